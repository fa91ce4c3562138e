import Foundation
import TopicModel
import TextFormat

/// Prints a topic model once, as an indented tree (like tree(1)) or as JSON lines.
public struct TreePrinter {
    public let model: TopicModel
    /// Levels to print; nil for all.
    public let maxDepth: Int?
    public let retainedOnly: Bool
    /// The time ages and rates are measured to (seconds since 1970).
    public let now: Double
    /// Children largest first by a traffic key (`--sort`), else by name.
    public let ordering: ChildOrdering?
    /// With several brokers: those that could not be reached, and why (their text tree says so
    /// instead of an empty summary).
    public var unreachable: [String: String] = [:]

    public init(model: TopicModel, maxDepth: Int?, retainedOnly: Bool, now: Double, order: TreeOrder = .name) {
        self.model = model
        self.maxDepth = maxDepth
        self.retainedOnly = retainedOnly
        self.now = now
        ordering = order == .name ? nil : ChildOrdering(order: order, now: now, since: model.watchingSince)
    }

    private static let sparklineWidth = 16
    private static let maxGuides = 32

    // MARK: Text

    /// The summary line, then the tree; with several brokers, one tree per broker, each after
    /// its name and its own summary.
    public func writeText(to output: inout OutputWriter) {
        guard model.hasBrokerLevel else { return writeText(from: .root, to: &output) }
        // In the dashboard's order: by name.
        for (index, broker) in model.children(of: .root).enumerated() {
            if index > 0 { output.write("\n") }
            let name = model.node(broker).name
            output.write(TerminalEscaping.escaped(Array(name.utf8), keepNewlines: false) + ": ")
            if let reason = unreachable[name], model.node(broker).topicCount == 0 {
                output.write("not reached (\(TerminalEscaping.escaped(Array(reason.utf8), keepNewlines: false)))\n")
            } else {
                writeText(from: broker, to: &output)
            }
        }
    }

    private func writeText(from top: NodeID, to output: inout OutputWriter) {
        let node = model.node(top)
        var summary = "\(Self.count(Int(node.topicCount), "topic")), \(Self.count(node.messageCount, "message")), "
            + "\(node.retainedCount) retained"
        if node.staleCount > 0 { summary += ", \(node.staleCount) stale" }
        if node.offlineCount > 0 { summary += ", \(Self.count(Int(node.offlineCount), "device")) offline" }
        output.write(summary + "\n")
        guard maxDepth != 0 else { return }
        var scratch: [SparkBucket] = []
        // Depth first with an explicit stack (a topic can be thousands of levels deep). Each entry
        // carries whether it is the last of its siblings; `lastAbove` holds that for its ancestors,
        // which draw the guides. Pieces go straight to the buffered writer.
        var lastAbove: [Bool] = []
        var stack: [(id: NodeID, depth: Int, isLast: Bool)] = []
        func push(childrenOf id: NodeID, depth: Int) {
            let children = model.children(of: id, ordering: ordering).filter { !retainedOnly || model.node($0).retainedCount > 0 }
            stack += children.enumerated().reversed().map { ($0.element, depth, $0.offset == children.count - 1) }
        }
        push(childrenOf: top, depth: 0)
        while let (id, depth, isLast) = stack.popLast() {
            lastAbove.removeSubrange(depth...)
            writeGuides(lastAbove, to: &output)
            output.write(isLast ? "└── " : "├── ")
            writeLine(id, to: &output, scratch: &scratch)
            output.write("\n")
            lastAbove.append(isLast)
            if maxDepth.map({ depth + 1 < $0 }) ?? true { push(childrenOf: id, depth: depth + 1) }
        }
    }

    /// The guides before a line; past `maxGuides` levels one mark stands for the rest, so a
    /// deep topic prints in space linear in its depth, not quadratic.
    private func writeGuides(_ lastAbove: [Bool], to output: inout OutputWriter) {
        for isLast in lastAbove.prefix(Self.maxGuides) { output.write(isLast ? "    " : "│   ") }
        if lastAbove.count > Self.maxGuides { output.write("┆ +\(lastAbove.count - Self.maxGuides) levels ") }
    }

    private func writeLine(_ id: NodeID, to output: inout OutputWriter, scratch: inout [SparkBucket]) {
        let node = model.node(id)
        output.write(TerminalEscaping.escaped(Array(node.name.utf8), keepNewlines: false))
        if node.hasChildren {
            var counts = "\(Self.count(Int(node.topicCount), "topic")), \(Self.count(node.messageCount, "msg"))"
            if node.retainedCount > 0 { counts += ", \(node.retainedCount) retained" }
            if node.staleCount > 0 { counts += ", \(node.staleCount) stale" }
            output.write("  (")
            output.write(counts)
            output.write(")")
        }
        if let ordering {
            let traffic = model.node(id).traffic
            output.write(ordering.order == .byteRate ? "  \(ValueFormat.bytes(Int(traffic.byteRate(now: now, since: model.watchingSince))))/s"
                                                     : "  \(ValueFormat.short(traffic.messageRate(now: now, since: model.watchingSince), digits: 1)) msg/s")
        }
        if model.isOfflineDevice(id) { output.write("  ✕ offline") }
        guard let record = model.topic(at: id) else { return }
        if !node.hasChildren {
            output.write("  (")
            output.write(Self.count(record.messageCount, "msg"))
            output.write(")")
        }
        output.write(RetainedMarker.text(record.retained))
        if record.liveness.isStale { output.write("  ◷ stale") }
        // A device's state first, as the dashboard shows it: "OFF  = 180 [brightness]".
        let state = model.state(of: id)
        if let state {
            output.write("  ")
            output.write(TerminalEscaping.escaped(Array(state.word.utf8), keepNewlines: false))
        }
        if let primary = model.primaryReading(of: id, state: .some(state)) {
            let path = primary.path
            output.write("  = ")
            output.write(ValueFormat.number(primary.value))
            if let unit = primary.unit {
                output.write(" ")
                output.write(TerminalEscaping.escaped(Array(unit.utf8), keepNewlines: false))
            }
            if !path.isEmpty {
                output.write(" [")
                output.write(TerminalEscaping.escaped(Array(path.utf8), keepNewlines: false))
                output.write("]")
            }
            if let points = record.series?.series(at: path) {
                output.write("  ")
                output.write(Sparkline.render(points, width: Self.sparklineWidth, kind: primary.kind, scratch: &scratch))
            }
        }
        output.write("  ")
        output.write(ValueFormat.preview(record.last))
    }

    /// A rate to two decimals.
    private func rounded(_ value: Double) -> Double { (value * 100).rounded() / 100 }

    /// "1 topic", "2 topics".
    private static func count(_ value: Int, _ noun: String) -> String { "\(value) \(noun)\(value == 1 ? "" : "s")" }

    // MARK: JSON

    /// One object per topic; with several brokers, each broker's in turn, with `"broker"`.
    public func writeJSON(to output: inout OutputWriter) {
        guard model.hasBrokerLevel else { return writeJSON(from: .root, broker: nil, to: &output) }
        for broker in model.children(of: .root) { writeJSON(from: broker, broker: model.node(broker).name, to: &output) }
    }

    private func writeJSON(from top: NodeID, broker: String?, to output: inout OutputWriter) {
        // Depth first with an explicit stack: a topic can be thousands of levels deep.
        var stack = model.children(of: top, ordering: ordering).reversed().map { ($0, 0) }
        while let (id, depth) = stack.popLast() {
            if retainedOnly, model.node(id).retainedCount == 0 { continue }
            if let record = model.topic(at: id), !retainedOnly || record.retained.isHeld {
                output.write(json(id, record, broker: broker) + "\n")
            }
            if maxDepth.map({ depth + 1 < $0 }) ?? true { stack += model.children(of: id, ordering: ordering).reversed().map { ($0, depth + 1) } }
        }
    }

    private func json(_ id: NodeID, _ record: TopicRecord, broker: String?) -> String {
        var out = JSON.topicObject(model.topicName(of: id), broker: broker)
        out += ",\"messages\":\(record.messageCount),\"retained\":\(record.retained.isHeld)"
        out += ",\"retained_state\":\"\(record.retained.description)\""
        // The whole payload the model keeps (64 KiB), said to be cut when it is; binary as base64.
        out += ",\"value\":"
        let payload = record.last.payload
        let isCut = record.last.size > payload.count
        // A cut may split a character: up to three bytes of it are left off.
        let text = (0...(isCut ? min(3, payload.count) : 0)).lazy
            .compactMap { String(validating: payload.dropLast($0), as: UTF8.self) }.first
        if let text {
            JSON.appendString(text, to: &out)
        } else {
            out += "\"" + Data(payload).base64EncodedString() + "\",\"value_encoding\":\"base64\""
        }
        if isCut { out += ",\"value_truncated\":true,\"size\":\(record.last.size)" }
        let state = model.state(of: id)
        if let state {
            out += ",\"state\":"
            JSON.appendString(state.word, to: &out)
        }
        if let primary = model.primaryReading(of: id, state: .some(state)) {
            out += ",\"primary\":"
            JSON.appendString(primary.path, to: &out)
            out += ",\"primary_value\":\(ValueFormat.number(primary.value))"
            if let unit = primary.unit {
                out += ",\"unit\":"
                JSON.appendString(unit, to: &out)
            }
        }
        let numbers = NumberExtractor.numbers(in: record.last.payload)
        if !numbers.isEmpty {
            out += ",\"series\":{" + numbers.map { JSON.string($0.path) + ":" + ValueFormat.number($0.value) }
                .joined(separator: ",") + "}"
        }
        // The topic's own, as `messages` is.
        let traffic = model.ownTraffic(of: id, now: now)
        out += ",\"rate_10s\":\(ValueFormat.number(rounded(traffic.messageRate(.short, now: now, since: model.watchingSince))))"
        out += ",\"rate_1m\":\(ValueFormat.number(rounded(traffic.messageRate(.long, now: now, since: model.watchingSince))))"
        out += ",\"bytes_1m\":\(ValueFormat.number(rounded(traffic.byteRate(.long, now: now, since: model.watchingSince))))"
        out += ",\"age_s\":\(ValueFormat.number((max(0, now - record.last.time) * 10).rounded() / 10))"
        out += ",\"stale\":\(record.liveness.isStale)"
        out += ",\"offline\":\(model.isInsideOfflineDevice(id) || model.announcesOffline(id))"
        return out + "}"
    }
}
