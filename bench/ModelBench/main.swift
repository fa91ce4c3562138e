// Topic-model and dashboard benchmarks that need no network: ingest rate, visible-rows query
// time and dashboard frame cost at 1,000 and 1,000,000 topics.
// Run in release: `swift run -c release hearth-model-bench`.
import Dashboard
import Foundation
import MQTT
import TopicModel

func seconds(_ body: () -> Void) -> Double {
    let start = ContinuousClock.now
    body()
    let elapsed = ContinuousClock.now - start
    return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
}

func messages(count: Int, topics: Int) -> [MQTTMessage] {
    let now = Date()
    return (0..<count).map { index in
        let payload = #"{"temperature":\#(18 + index % 7).\#(index % 10),"humidity":\#(40 + index % 20)}"#
        return MQTTMessage(topic: "bench/room\(index % topics)/sensor/temperature", payload: Array(payload.utf8),
                           receivedAt: now.addingTimeInterval(Double(index) / 1000))
    }
}

// MARK: Memory per topic, model alone (first, so no earlier benchmark's freed memory blurs the RSS)

/// Resident memory of this process, from /proc/self/statm.
func residentBytes() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .utf8) else { return 0 }
    let fields = text.split(separator: " ")
    return (fields.count > 1 ? Int(fields[1]) ?? 0 : 0) * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// `name(i)` is the i-th distinct topic.
func modelBytesPerTopic(topics: Int, name: (Int) -> String) -> (perTopic: Double, total: Int) {
    let before = residentBytes()
    var model = TopicModel()
    let now = Date()
    for index in 0..<topics {
        let payload = Array(String(format: "%08d", index).utf8)
        model.ingest(MQTTMessage(topic: name(index), payload: payload, receivedAt: now))
    }
    let total = residentBytes() - before
    withExtendedLifetime(model) {}
    return (Double(total) / Double(topics), total)
}

// MARK: Layout: what each topic's parts cost inline (heap parts come on top)

if CommandLine.arguments.contains("--layout") {
    for (name, size) in [("TopicNode", MemoryLayout<TopicNode>.stride), ("TopicRecord", MemoryLayout<TopicRecord>.stride),
                         ("StoredMessage", MemoryLayout<StoredMessage>.stride), ("MessageHistory", MemoryLayout<MessageHistory>.stride),
                         ("Liveness", MemoryLayout<Liveness>.stride), ("Traffic", MemoryLayout<Traffic>.stride),
                         ("MQTTProperties", MemoryLayout<MQTTProperties>.stride)] {
        print("layout: \(name) \(size) bytes")
    }
    exit(0)
}

// `--ingest-only` runs just the ingest benchmark (for profiling).
let ingestOnly = CommandLine.arguments.contains("--ingest-only")

// Devices with ten sensors each: one node of its own per topic, as in a real home.
if !ingestOnly {
let devices = modelBytesPerTopic(topics: 1_000_000) { "bench/device\($0 / 10)/sensor\($0 % 10)" }
print(String(format: "model memory: %.0f bytes per topic (%.0f MB) for 1,000,000 topics 'bench/deviceN/sensorM', 8-byte payloads (the process's peak: bench/tree_bench.py, target < 400 MB)",
             devices.perTopic, Double(devices.total) / 1e6))
}

// MARK: Ingest

// `--small` ingests a tenth, for quick profiling runs.
let scale = CommandLine.arguments.contains("--small") ? 10 : 1
let ingestMessages = messages(count: 1_000_000 / scale, topics: 100_000 / scale)
var model = TopicModel()
let ingestTime = seconds { model.ingest(ingestMessages) }
print("model ingest: \(Int(Double(ingestMessages.count) / ingestTime)) msgs/s (\(ingestMessages.count) messages over \(100_000 / scale) topics)")

// MARK: Visible rows at 1,000 and 1,000,000 topics

func queryTime(topics: Int) -> Double {
    var model = TopicModel()
    model.ingest(messages(count: topics, topics: topics))
    model.refresh(now: Date().timeIntervalSince1970)  // merges the newly arrived children once
    // The dashboard's usual state: the first levels open, the big level scrolled to the middle.
    let bench = model.find("bench")!
    var expanded: Set<NodeID> = [bench]
    for child in model.children(of: bench).prefix(3) { expanded.insert(child) }
    let query = TreeQuery(expanded: expanded, offset: topics / 2, limit: 40)
    // Best of 50 batches of 100 queries: the steady state a frame sees, not page-fault noise.
    var best = Double.infinity
    for _ in 0..<50 {
        var rows = 0
        let batch = seconds { for _ in 0..<100 { rows += model.visibleRows(query).rows.count } }
        precondition(rows == 100 * 40, "query returned \(rows / 100) rows")
        best = min(best, batch / 100)
    }
    return best
}

if ingestOnly { exit(0) }
let small = queryTime(topics: 1_000)
let large = queryTime(topics: 1_000_000)
print(String(format: "visible rows (40 rows): %.1f µs at 1,000 topics, %.1f µs at 1,000,000 topics, ratio %.2f (target <= 2)",
             small * 1e6, large * 1e6, large / small))

// MARK: Dashboard frames at 1,000 and 1,000,000 topics

/// The best of 20 batches of 20 frames: the steady state a frame sees, not page-fault noise.
func bestFrameTime(_ controller: DashboardController, _ model: TopicModel, now: Double, canvas: inout MemoryCanvas) -> Double {
    var best = Double.infinity
    for _ in 0..<20 {
        let batch = seconds {
            for _ in 0..<20 { DashboardView.draw(controller.makeFrame(model: model, now: now), on: &canvas) }
        }
        best = min(best, batch / 20)
    }
    return best
}

/// One frame: take it from the model, then draw it (120x40, in memory: the ncurses side is the
/// same calls onto a real screen).
func frameTime(topics: Int, order: TreeOrder = .name) -> (frame: Double, resort: Double) {
    setlocale(LC_ALL, "C.UTF-8")
    var model = TopicModel()
    model.ingest(messages(count: topics, topics: topics))
    // Expanded near the selection: a topic in the middle, revealed by search, with a sparkline.
    let middle = "bench/room\(topics / 2)/sensor/temperature"
    let now = Date()
    model.ingest((0..<50).map { index in
        MQTTMessage(topic: middle, payload: Array("\(20 + index % 7)".utf8), receivedAt: now.addingTimeInterval(Double(index)))
    })
    model.refresh(now: now.timeIntervalSince1970)
    let controller = DashboardController(connection: ConnectionStatus(broker: "bench", phase: .connected), width: 120, height: 40)
    for key in [Key.character("/")] + middle.map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
    while controller.state.order != order { _ = controller.handle(.character("o")) }
    var canvas = MemoryCanvas(width: 120, height: 40)
    // The first frame sorts the open parents' children (again each second after): timed apart.
    let resort = seconds { DashboardView.draw(controller.makeFrame(model: model, now: now.timeIntervalSince1970), on: &canvas) }
    precondition(canvas.text.contains("room\(topics / 2)"), "the selection is not on screen")
    return (bestFrameTime(controller, model, now: now.timeIntervalSince1970, canvas: &canvas), resort)
}

let smallFrame = frameTime(topics: 1_000).frame
let largeFrame = frameTime(topics: 1_000_000).frame
print(String(format: "dashboard frame (120x40, expanded near the selection): %.0f µs at 1,000 topics, %.0f µs at 1,000,000 topics, ratio %.2f (target <= 2)",
             smallFrame * 1e6, largeFrame * 1e6, largeFrame / smallFrame))
let smallSorted = frameTime(topics: 1_000, order: .messageRate)
let largeSorted = frameTime(topics: 1_000_000, order: .messageRate)
print(String(format: "dashboard frame sorted by msgs/s: %.0f µs at 1,000 topics, %.0f µs at 1,000,000 topics, ratio %.2f (target <= 2); "
             + "the re-sort each second: %.1f ms at 1,000, %.1f ms at 1,000,000 (one open parent of every topic)",
             smallSorted.frame * 1e6, largeSorted.frame * 1e6, largeSorted.frame / smallSorted.frame,
             smallSorted.resort * 1e3, largeSorted.resort * 1e3))

// MARK: The whole broker's overview at 1,000 and 1,000,000 topics

/// One frame of the first screen: nothing selected, the detail pane's overview of every reading.
func overviewFrameTime(topics: Int) -> Double {
    setlocale(LC_ALL, "C.UTF-8")
    var model = TopicModel()
    let now = Date()
    model.ingest(messages(count: topics, topics: topics))
    // The first rooms speak a few times, so their lines carry sparklines.
    model.ingest((0..<200).map { index in
        MQTTMessage(topic: "bench/room\(index % 40)/sensor/temperature", payload: Array("\(20 + index % 7)".utf8),
                    receivedAt: now.addingTimeInterval(Double(index)))
    })
    model.refresh(now: now.timeIntervalSince1970)
    let controller = DashboardController(connection: ConnectionStatus(broker: "bench", phase: .connected), width: 120, height: 40)
    var canvas = MemoryCanvas(width: 120, height: 40)
    DashboardView.draw(controller.makeFrame(model: model, now: now.timeIntervalSince1970), on: &canvas)
    precondition(canvas.text.contains("all topics") && canvas.text.contains("▁"), "the overview is not on screen")
    return bestFrameTime(controller, model, now: now.timeIntervalSince1970, canvas: &canvas)
}

let smallOverview = overviewFrameTime(topics: 1_000)
let largeOverview = overviewFrameTime(topics: 1_000_000)
print(String(format: "overview frame (120x40, the whole broker's readings): %.0f µs at 1,000 topics, %.0f µs at 1,000,000 topics, ratio %.2f (target <= 2)",
             smallOverview * 1e6, largeOverview * 1e6, largeOverview / smallOverview))

if CommandLine.arguments.contains("--layout") {
    print("TopicNode", MemoryLayout<TopicNode>.stride, "TopicRecord", MemoryLayout<TopicRecord>.stride,
          "StoredMessage", MemoryLayout<StoredMessage>.stride, "Traffic", MemoryLayout<Traffic>.stride,
          "Liveness", MemoryLayout<Liveness>.stride)
}
