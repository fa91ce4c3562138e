import Foundation
import MQTT
import TopicModel
import TextFormat

/// The selected topic in full: state, properties, graph, payload and history. Scrolls.
enum DetailPane {
    static func draw(_ frame: DashboardFrame, on canvas: inout some Canvas) {
        let rect = frame.layout.detail
        let all: [StyledLine]
        var scroll = 0
        if let overview = frame.overview {
            // The overview scrolls by its own cursor, and shows only the rows on screen.
            all = OverviewView.lines(overview, width: contentWidth(frame.layout), now: frame.now, focused: frame.focus == .detail)
        } else {
            all = frame.detail == nil ? [StyledLine("  nothing selected", .dim)] : frame.detailLines
            scroll = max(0, min(frame.detailScroll, all.count - rect.height))
        }
        for line in 0..<rect.height {
            canvas.fill(row: rect.row + line, column: rect.column, width: rect.width, role: .text)
            let index = scroll + line
            if index < all.count { all[index].draw(row: rect.row + line, column: rect.column + 1, width: rect.width - 1, on: &canvas) }
        }
    }

    /// Cells for text: the pane less its left margin.
    static func contentWidth(_ layout: Layout) -> Int { layout.detail.width - 1 }

    /// The graph grows with the pane: a quarter of it, 4 to 16 rows (9 at 120x40).
    static func graphHeight(_ pane: Rect) -> Int { max(4, min(16, pane.height / 4)) }

    /// "2 msg/s 1.8 KiB/s (10 s) · 1.5 msg/s 1.4 KiB/s (1 min) · 12% of its broker" (its share of
    /// the broker's messages over the minute).
    static func trafficLine(_ traffic: Traffic, of broker: Traffic?, now: Double, since: Double?) -> String {
        func rates(_ window: Traffic.Window) -> String {
            "\(ValueFormat.short(traffic.messageRate(window, now: now, since: since), digits: 1)) msg/s "
                + "\(ValueFormat.bytes(Int(traffic.byteRate(window, now: now, since: since))))/s"
        }
        var line = "\(rates(.short)) (10 s) · \(rates(.long)) (1 min)"
        // The share over the last minute (none for a broker itself).
        if let total = broker?.messageRate(.long, now: now, since: since), total > 0 {
            line += " · \(Int((100 * traffic.messageRate(.long, now: now, since: since) / total).rounded()))% of its broker"
        }
        return line
    }

    /// Every line of the pane, top to bottom.
    static func lines(_ detail: DashboardFrame.Detail, width: Int, graphHeight: Int, now: Double) -> [StyledLine] {
        var out = StyledLine(TerminalEscaping.escaped(Array(detail.path.utf8), keepNewlines: false), .title).wrapped(width: width)
        if detail.childCount > 0 {
            var counts = "\(detail.topicCount) topic\(detail.topicCount == 1 ? "" : "s") below, \(detail.retainedCount) holding a retained value"
            if detail.staleCount > 0 { counts += ", \(detail.staleCount) stale" }
            if detail.offlineCount > 0 { counts += ", \(detail.offlineCount) device\(detail.offlineCount == 1 ? "" : "s") offline" }
            out.append(StyledLine(counts, .dim))
        }
        out += liveness(detail)
        guard let record = detail.record else { return out }
        let last = record.last
        out.append(StyledLine(RetainedMarker.sentence(record.retained), record.retained == .none ? .dim : TreePane.markerRole(record.retained)))
        let facts = ["QoS \(last.qos.rawValue)", ValueFormat.bytes(last.size), "\(clock(last.time)) (\(ValueFormat.age(now - last.time)) ago)",
                     // Received since hearth started; the table below may add recorded ones.
                     "\(record.messageCount) message\(record.messageCount == 1 ? "" : "s")"
                        + (detail.olderMessages.isEmpty ? "" : " (+\(detail.olderMessages.count) recorded, below)")]
        out += flow(facts, width: width).map { StyledLine($0, .text) }
        out.append(StyledLine(trafficLine(detail.traffic, of: detail.brokerTraffic, now: now, since: detail.watchingSince), .text))
        for property in last.properties {
            out += StyledLine([("  ", .text), (TerminalEscaping.escaped(Array(describe(property).utf8), keepNewlines: false), .dim)])
                .wrapped(width: width)
        }
        if let held = record.heldRetained {
            out.append(StyledLine([("held retained value: ", .retainedHeld), (ValueFormat.preview(held, length: max(8, width - 24)), .text)]))
        }

        if let path = detail.graphPath, let graph = detail.graph, let summary = graph.summary {
            let unit = detail.graphUnit.map { " " + TerminalEscaping.escaped(Array($0.utf8), keepNewlines: false) } ?? ""
            let name = path.isEmpty ? "value" : TerminalEscaping.escaped(Array(path.utf8), keepNewlines: false)
            let choose = detail.seriesPaths.count > 1 ? " · s: series" : ""
            out.append(rule("graph: \(name)\(unit) · last \(detail.graphWindow.label) ([ ])\(choose)", width: width))
            let stats = ["min \(ValueFormat.short(summary.min))", "avg \(ValueFormat.short(summary.average))",
                         "max \(ValueFormat.short(summary.max))", "last \(ValueFormat.short(summary.last))\(unit)"]
            out += flow(stats, width: width).map { StyledLine($0, .text) }
            out += GraphView.lines(graph, window: detail.graphWindow, now: now, width: max(1, width - 1), height: graphHeight,
                                   kind: detail.graphKind, unit: detail.graphUnit)
        }

        if let changes = detail.changes {
            let since = detail.previousTime.map { " (\(ValueFormat.age(last.time - $0)) earlier)" } ?? ""
            out.append(rule("changes since the previous message\(since)", width: width))
            out += changes
        }

        var title = "payload"
        if last.isTruncated { title += " (first \(ValueFormat.bytes(last.payloadCount)) of \(ValueFormat.bytes(last.size)))" }
        out.append(rule(title, width: width))
        out += detail.payloadLines

        // Newest first: the last message, the model's history, then what was paged in from the store.
        let history = record.history.messages
        out.append(rule("history (\(history.count + 1 + detail.olderMessages.count))", width: width))
        out.append(historyLine(last, width: width, now: now))
        for message in history.reversed() { out.append(historyLine(message, width: width, now: now)) }
        for message in detail.olderMessages { out.append(historyLine(message, width: width, now: now)) }
        if let note = detail.olderNote { out.append(olderNote(note)) }
        return out
    }

    /// The line after the history table's recorded messages.
    static func olderNote(_ note: String) -> StyledLine {
        StyledLine("  " + note, .dim)
    }

    /// Offline and stale, in words: who said the device is offline, how long the topic has been quiet.
    private static func liveness(_ detail: DashboardFrame.Detail) -> [StyledLine] {
        var out: [StyledLine] = []
        if !detail.offlineSources.isEmpty {
            let sources = detail.offlineSources.map { TerminalEscaping.escaped(Array($0.utf8), keepNewlines: false) }
            out.append(StyledLine("✕ device offline, as \(sources.joined(separator: ", ")) says", .offline))
        } else if detail.announcesOffline {
            out.append(StyledLine("✕ availability: says its device is offline", .offline))
        } else if detail.isInsideOfflineDevice {
            out.append(StyledLine("✕ inside a device that is offline", .offline))
        }
        if let record = detail.record, let silence = detail.silence {
            if record.liveness.isStale {
                out.append(StyledLine("◷ stale: silent for \(ValueFormat.age(silence)) while connected", .stale))
            }
            if let interval = record.liveness.intervals.interval {
                let after = IntervalEstimate.staleAfter(interval: interval)
                out.append(StyledLine("usually every \(ValueFormat.interval(interval)); stale after \(ValueFormat.age(after)) of silence", .dim))
            }
        }
        return out
    }

    private static func historyLine(_ message: StoredMessage, width: Int, now: Double) -> StyledLine {
        let age = ValueFormat.age(now - message.time, compact: true)
        return StyledLine([
            (clock(message.time) + " " + String(repeating: " ", count: max(0, 4 - age.count)) + age + "  ", .dim),
            ("q\(message.qos.rawValue) ", .dim),
            (message.retain ? "◉ " : "  ", .retainedShown),
            (ValueFormat.preview(message, length: max(8, width - 21)), .text),
        ])
    }

    /// Items joined by " · ", broken between items (never inside one) to fit `width`.
    static func flow(_ items: [String], width: Int) -> [String] {
        var lines: [String] = []
        var line = ""
        for item in items {
            let joined = line.isEmpty ? item : line + " · " + item
            if DisplayWidth.of(joined) <= width || line.isEmpty {
                line = joined
            } else {
                lines.append(line + " ·")
                line = item
            }
        }
        if !line.isEmpty { lines.append(line) }
        return lines
    }

    private static func rule(_ title: String, width: Int) -> StyledLine {
        let text = "── " + DisplayWidth.truncate(title, cells: max(1, width - 4)) + " "
        return StyledLine(text + String(repeating: "─", count: max(0, width - DisplayWidth.of(text))), .border)
    }

    private static func describe(_ property: MQTTProperty) -> String {
        switch property {
        case let .userProperty(key, value): return "user property: \(key) = \(value)"
        case let .contentType(value): return "content type: \(value)"
        case let .responseTopic(value): return "response topic: \(value)"
        case let .correlationData(bytes): return "correlation data: \(bytes.count) bytes"
        case let .messageExpiryInterval(value): return "message expiry: \(value) s"
        case let .payloadFormatIndicator(value): return "payload format: \(value == 1 ? "UTF-8" : "bytes")"
        case let .subscriptionIdentifier(value): return "subscription identifier: \(value)"
        default: return String(describing: property)
        }
    }

    /// "14:03:27", local time.
    static func clock(_ time: Double) -> String {
        var seconds = time_t(time)
        var parts = tm()
        localtime_r(&seconds, &parts)
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(two(parts.tm_hour)):\(two(parts.tm_min)):\(two(parts.tm_sec))"
    }
}
