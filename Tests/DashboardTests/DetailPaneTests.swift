import Foundation
import Dashboard
import MQTT
import Testing
import TopicModel

/// The detail pane: payload formats, graph and history.
@Suite(.timeLimit(.minutes(3))) struct DetailPaneTests {
    /// Selects `topic` through search and draws.
    private func show(_ topic: String, in model: TopicModel, width: Int = 120, height: Int = 40) -> (DashboardController, MemoryCanvas) {
        let controller = DashboardController(connection: Fixture.connected, width: width, height: height)
        _ = Fixture.draw(controller, model)
        _ = controller.handle(.character("/"), model: model)
        _ = Fixture.type(topic, into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        return (controller, Fixture.draw(controller, model))
    }

    @Test func jsonIsIndentedAndHighlighted() throws {
        var model = TopicModel()
        model.ingest(Fixture.message("zigbee2mqtt/hall", #"{"temperature":21.5,"humidity":48,"state":"ON","ok":true,"nested":{"a":[1,2]},"empty":{}}"#, retain: true))
        let (_, canvas) = show("zigbee2mqtt/hall", in: model)
        let keyRow = try #require(Fixture.row(of: #""temperature": 21.5,"#, in: canvas), "\(canvas.text)")
        #expect(canvas.role(of: #""temperature""#, row: keyRow) == .jsonKey)
        #expect(canvas.role(of: "21.5", row: keyRow) == .jsonNumber)
        let stateRow = try #require(Fixture.row(of: #""state": "ON","#, in: canvas))
        #expect(canvas.role(of: #""ON""#, row: stateRow) == .jsonString)
        #expect(Fixture.row(of: #""empty": {}"#, in: canvas) != nil)
        #expect(Fixture.row(of: "◉ retained: the broker's retained value", in: canvas) != nil)
        // The payload's own indentation: nested values sit two cells further in.
        let nested = try #require(Fixture.row(of: #""a": ["#, in: canvas))
        let one = try #require((nested..<canvas.height).first { canvas.line($0).contains(" 1,") }, "\(canvas.text)")
        #expect(canvas.line(one).firstIndex(of: "1")! > canvas.line(nested).firstIndex(of: "\"")!)
    }

    @Test func binaryPayloadsShowAsAHexDump() throws {
        var model = TopicModel()
        model.ingest(MQTTMessage(topic: "dev/blob", payload: [0x00, 0x01, 0x1B, 0xFF, 0x48, 0x69] + Array(repeating: 0xAA, count: 20)))
        let (_, canvas) = show("dev/blob", in: model)
        #expect(Fixture.row(of: "0000  00 01 1b ff 48 69 aa aa", in: canvas) != nil, "\(canvas.text)")
        #expect(Fixture.row(of: "|....Hi..|", in: canvas) != nil)
        #expect(Fixture.row(of: "0008  aa aa", in: canvas) != nil)
        let wide = show("dev/blob", in: model, width: 200).1
        #expect(Fixture.row(of: "0010  aa aa", in: wide) != nil, "16 bytes a line when there is room")
    }

    @Test func longPayloadsScroll() throws {
        var model = TopicModel()
        let lines = (1...200).map { "line \($0)" }.joined(separator: "\n")
        model.ingest(Fixture.message("log/long", lines))
        let (controller, first) = show("log/long", in: model, width: 80, height: 24)
        #expect(Fixture.row(of: "line 1", in: first) != nil)
        #expect(Fixture.row(of: "line 150", in: first) == nil)
        _ = controller.handle(.tab, model: model)
        _ = controller.handle(.end, model: model)
        let end = Fixture.draw(controller, model)
        #expect(Fixture.row(of: "line 1 ", in: end) == nil)
        #expect(end.text.contains("\"line 1\\x0aline 2") || end.text.contains("history"), "\(end.text)")
        _ = controller.handle(.home, model: model)
        _ = controller.handle(.pageDown, model: model)
        let paged = Fixture.draw(controller, model)
        #expect(Fixture.row(of: "line 10", in: paged) != nil, "\(paged.text)")
    }

    @Test func numericTopicsShowAGraphWithStatsAndUnit() throws {
        var model = Fixture.home()
        model.ingest(Fixture.message("homeassistant/sensor/kitchen/config", #"{"state_topic":"home/kitchen/temperature","unit_of_measurement":"°C"}"#, retain: true))
        let (controller, first) = show("home/kitchen/temperature", in: model)
        #expect(Fixture.row(of: "graph: value °C · last 5 min", in: first) != nil, "\(first.text)")
        // Half an hour of readings, a minute apart: the hour's window shows them all, over time.
        _ = controller.handle(.character("]"), model: model)
        let canvas = Fixture.draw(controller, model)
        let title = try #require(Fixture.row(of: "graph: value °C · last 1 h", in: canvas), "\(canvas.text)")
        #expect(canvas.line(title + 1).contains("min "))
        #expect(canvas.line(title + 1).contains("°C"))
        // Nine rows at 120x40, the scale's top and bottom on the y axis, the time under the x axis.
        let graphRows = (title + 2)..<(title + 11)
        let filled = graphRows.flatMap { canvas.line($0) }.filter { Sparkline.blocks.contains($0) }
        #expect(filled.count > 30)
        #expect(canvas.line(title + 11).contains("└-1h"), "\(canvas.line(title + 11))")
        #expect(canvas.line(title + 11).contains("-30m") && canvas.line(title + 11).contains("now"), "\(canvas.line(title + 11))")
        #expect(canvas.line(title + 2).contains("│"))
        // The first half of the hour has no readings: a gap, not a stretched curve.
        let plotStart = try #require(canvas.line(title + 10).lastIndex(of: "│"))
        let bottom = canvas.line(title + 10)[canvas.line(title + 10).index(after: plotStart)...]
        #expect(bottom.prefix(bottom.count / 3).allSatisfy { $0 == " " }, "\(bottom)")
        #expect(Fixture.row(of: "history (30)", in: canvas) != nil)
        // The held retained value is named, and the first history line is the live one.
        #expect(Fixture.row(of: "held retained value:", in: canvas) != nil)
    }

    @Test func seriesPickerChoosesTheGraphedField() throws {
        var model = TopicModel()
        for index in 0..<5 {
            model.ingest(Fixture.message("tele/t/SENSOR", #"{"AM2301":{"Temperature":2\#(index),"Humidity":5\#(index)}}"#))
        }
        let (controller, canvas) = show("tele/t/SENSOR", in: model)
        #expect(Fixture.row(of: "graph: AM2301.Temperature", in: canvas) != nil, "\(canvas.text)")
        _ = controller.handle(.character("s"), model: model)
        let picker = Fixture.draw(controller, model)
        #expect(Fixture.row(of: "series to graph", in: picker) != nil)
        _ = controller.handle(.down, model: model)
        _ = controller.handle(.enter, model: model)
        let after = Fixture.draw(controller, model)
        #expect(Fixture.row(of: "graph: AM2301.Humidity", in: after) != nil, "\(after.text)")
    }

    @Test func v5PropertiesAndHistoryAreListed() throws {
        var model = TopicModel()
        model.ingest(Fixture.message("dev/x", "one", retain: true, at: 1_700_000_000))
        model.ingest(MQTTMessage(topic: "dev/x", payload: Array("two".utf8), qos: .atLeastOnce,
                                 properties: [.contentType("text/plain"), .userProperty("room", "hall\u{1B}[2J")],
                                 receivedAt: Date(timeIntervalSince1970: 1_700_000_060)))
        let (_, canvas) = show("dev/x", in: model)
        #expect(Fixture.row(of: "content type: text/plain", in: canvas) != nil, "\(canvas.text)")
        #expect(Fixture.row(of: "user property: room = hall\\x1b[2J", in: canvas) != nil)
        #expect(Fixture.row(of: "◎ live value; a retained value is held", in: canvas) != nil)
        let history = try #require(Fixture.row(of: "history (2)", in: canvas))
        #expect(canvas.line(history + 1).contains("q1   \"two\""))
        #expect(canvas.line(history + 2).contains("q0 ◉ \"one\""))
    }

    // MARK: Nothing cut, nothing hidden

    /// Every line of the detail pane, scrolled through from the top: what a reader can see.
    private func everything(_ controller: DashboardController, _ model: TopicModel) -> [String] {
        let detail = controller.layout.detail
        _ = controller.handle(.tab, model: model)
        _ = controller.handle(.home, model: model)
        var seen: [String] = []
        for _ in 0..<2000 {
            let canvas = Fixture.draw(controller, model)
            let lines = (detail.row..<detail.row + detail.height).map { row in
                canvas.cells[row][detail.column..<detail.column + detail.width].map(\.text).joined()
            }
            if seen.suffix(lines.count) == lines[...] { break }
            seen += lines
            _ = controller.handle(.pageDown, model: model)
        }
        return seen
    }

    @Test func longLinesWrapAndTheStatusLineBreaksBetweenItems() throws {
        var model = TopicModel()
        let words = (0..<60).map { "word\($0)" }.joined(separator: " ") + " THE-END"
        model.ingest(Fixture.message("notes/long", words))
        let (controller, canvas) = show("notes/long", in: model, width: 60, height: 30)
        // The status line breaks between items: no item is cut ("0 m" for "0 msg/s").
        let text = canvas.text
        #expect(text.contains("msg/s"), "\(text)")
        #expect(!canvas.lines.contains { $0.hasSuffix("0 m") || $0.trimmingCharacters(in: .whitespaces).hasSuffix("0 m") })
        // Every word of the payload can be read, in order, across wrapped lines.
        let all = everything(controller, model).joined(separator: "\n")
        for index in stride(from: 0, to: 60, by: 7) { #expect(all.contains("word\(index)"), "word\(index)") }
        #expect(all.contains("THE-END"))
        #expect(all.contains("↪"), "continuation lines are marked")
    }

    @Test func textWithControlBytesIsAHexDump() throws {
        var model = TopicModel()
        model.ingest(MQTTMessage(topic: "bytes/low", payload: Array(0..<64), receivedAt: Date(timeIntervalSince1970: 1_700_000_000)))
        let (_, canvas) = show("bytes/low", in: model)
        #expect(canvas.text.contains("0000  00 01 02 03"), "\(canvas.text)")
        #expect(canvas.text.contains("0030  30 31 32 33"), "\(canvas.text)")
    }

    @Test func a64KiBPayloadCanBeReadToTheEnd() throws {
        var model = TopicModel()
        let body = String(repeating: "abcdefghij", count: 6550) + "THE-END"
        #expect(body.utf8.count > 65_000)
        model.ingest(Fixture.message("big/blob", body))
        let (controller, _) = show("big/blob", in: model)
        _ = controller.handle(.tab, model: model)
        _ = controller.handle(.end, model: model)
        let canvas = Fixture.draw(controller, model)
        #expect(canvas.text.contains("THE-END"), "\(canvas.text)")
    }

    @Test func vShowsWhatChangedSinceThePreviousMessage() throws {
        var model = TopicModel()
        model.ingest(Fixture.message("z/sensor", #"{"temperature": 21.5, "humidity": 48, "old": 1}"#, at: 1_700_000_000))
        model.ingest(Fixture.message("z/sensor", #"{"temperature": 21.7, "humidity": 48, "battery": 90}"#, at: 1_700_000_030))
        model.ingest(Fixture.message("z/text", "closed", at: 1_700_000_000))
        model.ingest(Fixture.message("z/text", "open", at: 1_700_000_010))
        let (controller, first) = show("z/sensor", in: model)
        #expect(!first.text.contains("changes since"))
        _ = controller.handle(.character("v"), model: model)
        let json = Fixture.draw(controller, model)
        #expect(json.text.contains("changes since the previous message (30 s earlier)"), "\(json.text)")
        #expect(json.text.contains("temperature  21.5 → 21.7"), "\(json.text)")
        #expect(json.text.contains("+ battery  90"), "\(json.text)")
        #expect(json.text.contains("- old  1"), "\(json.text)")
        #expect(!json.text.contains("humidity  48"), "an unchanged field is not listed")
        _ = Fixture.type("/z/text", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let text = Fixture.draw(controller, model)
        #expect(text.text.contains("before  \"closed\"") && text.text.contains("now     \"open\""), "\(text.text)")
    }

    @Test func aGapBetweenReadingsIsAGapAndTheYAxisHasTheUnit() throws {
        var model = TopicModel()
        // Every 10 s for a minute, silence for three minutes, then every 10 s again.
        let now = 1_700_002_000.0
        let before: [Double] = Array(stride(from: now - 290, through: now - 230, by: 10))
        let after: [Double] = Array(stride(from: now - 50, through: now - 5, by: 10))
        for (index, time) in (before + after).enumerated() {
            let value = 20.0 + Double(index % 3)
            model.ingest(Fixture.message("lab/probe", "\(value) °C", at: time))
        }
        let (_, canvas) = show("lab/probe", in: model)
        let title = try #require(Fixture.row(of: "graph: value °C · last 5 min", in: canvas), "\(canvas.text)")
        let plot = ((title + 2)..<(title + 11)).map { row -> Substring in
            let line = canvas.line(row)
            let axis = line.lastIndex(of: "│") ?? line.startIndex
            return line[line.index(after: axis)...]
        }
        // Columns holding anything, left to right: two runs with blank columns between them.
        let width = plot.map(\.count).max() ?? 0
        let filled = (0..<width).map { column in plot.contains { column < $0.count && $0[$0.index($0.startIndex, offsetBy: column)] != " " } }
        let runs = zip(filled, [false] + filled).filter { $0 && !$1 }.count
        #expect(runs == 2, "\(plot.joined(separator: "\n"))")
        #expect(((title + 2)..<(title + 11)).contains { canvas.line($0).contains("°C │") }, "the unit on the y axis")
        #expect(canvas.line(title + 11).contains("-2m30s"), "\(canvas.line(title + 11))")
    }
}
