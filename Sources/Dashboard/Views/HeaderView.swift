import TextFormat
/// The top line: broker, connection state (with a countdown and how long it has been down),
/// protocol version, counts (stale and offline when there are any) and message rate.
enum HeaderView {
    static func draw(_ frame: DashboardFrame, on canvas: inout some Canvas) {
        let rect = frame.layout.header
        canvas.fill(row: rect.row, column: 0, width: rect.width, role: .header)
        var column = canvas.write(" hearth ", row: rect.row, column: 0, role: .header)
        var facts: [String] = []
        if frame.links.isEmpty {
            column += canvas.write(frame.connection.broker + " ", row: rect.row, column: column, role: .header)
            let (text, role) = phase(frame.connection, now: frame.now)
            column += canvas.write(" " + text + " ", row: rect.row, column: column, role: role)
            if let version = frame.connection.version { facts.append("MQTT \(version)") }
        } else {
            let (text, role) = links(frame.links)
            column += canvas.write(" " + text + " ", row: rect.row, column: column, role: role)
        }
        // Firing rules, as loud as the worst of them.
        if let alerts = frame.alerts, !alerts.firing.isEmpty {
            let role: Role = alerts.firing.contains { $0.severity == .critical } ? .failed : .reconnecting
            let count = alerts.firingRules
            column += canvas.write(" ⚠ \(count) alert\(count == 1 ? "" : "s") ", row: rect.row, column: column + 1, role: role) + 1
        }
        let rate = grouped(Int(frame.messageRate.rounded()))
        facts.append("\(grouped(frame.topicCount)) topic\(frame.topicCount == 1 ? "" : "s")")
        facts.append("\(grouped(frame.retainedCount)) ◉ retained")
        var problems = ""
        if frame.staleCount > 0 {
            facts.append("\(grouped(frame.staleCount)) ◷ stale")
            problems += " · \(grouped(frame.staleCount))◷"
        }
        if frame.offlineCount > 0 {
            facts.append("\(grouped(frame.offlineCount)) ✕ offline")
            problems += " · \(grouped(frame.offlineCount))✕"
        }
        facts.append("\(rate) msg/s")
        // Whole MiB: a figure that moved with every allocation would redraw the header all the time.
        if let resident = frame.residentBytes { facts.append("\(resident >> 20) MiB") }
        if frame.order != .name { facts.append("by \(frame.order.label)") }
        var summary = "  " + facts.joined(separator: " · ")
        if column + DisplayWidth.of(summary) > rect.width {
            // Narrow terminals get the short form, so the rate stays on screen.
            summary = " \(grouped(frame.topicCount)) topics · \(grouped(frame.retainedCount))◉\(problems) · \(rate)/s"
                + (frame.order == .name ? "" : " · by \(frame.order.label)")
        }
        canvas.write(summary, row: rect.row, column: column, role: .header)
    }

    /// Several brokers at once: "3 brokers · 2 connected · 1 reconnecting", coloured by the worst.
    static func links(_ links: [ConnectionStatus]) -> (String, Role) {
        var connected = 0, connecting = 0, reconnecting = 0, failed = 0
        for link in links {
            switch link.phase {
            case .connected: connected += 1
            case .connecting: connecting += 1
            case .reconnecting: reconnecting += 1
            case .failed: failed += 1
            }
        }
        let parts = [(connected, "connected"), (connecting, "connecting"), (reconnecting, "reconnecting"), (failed, "failed")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
        let role: Role = connected == links.count ? .connected : connected == 0 && failed > 0 ? .failed : .reconnecting
        return ((["\(links.count) brokers"] + parts).joined(separator: " · "), role)
    }

    /// A link that is down in a few words: "reconnecting in 4 s", "failed: not authorized (0x87)".
    static func shortPhase(_ status: ConnectionStatus, now: Double) -> String {
        switch status.phase {
        case .connecting: return "connecting"
        case .connected: return "connected"
        case let .reconnecting(retryAt, _): return "reconnecting in \(Int(max(0, retryAt - now).rounded(.up))) s"
        case let .failed(reason): return "failed: \(reason)"
        }
    }

    static func phase(_ status: ConnectionStatus, now: Double) -> (String, Role) {
        let down = status.downSince.map { " (down \(ValueFormat.age(now - $0)))" } ?? ""
        switch status.phase {
        case .connecting: return ("… connecting\(down)", .reconnecting)
        case .connected: return ("● connected", .connected)
        case let .reconnecting(retryAt, error):
            let seconds = Int(max(0, retryAt - now).rounded(.up))
            return ("↻ reconnecting in \(seconds) s\(down): \(error)", .reconnecting)
        case let .failed(reason): return ("✖ failed: \(reason)", .failed)
        }
    }

    /// 1234567 as "1,234,567".
    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = value < 0 ? "-" : ""
        for (index, digit) in digits.enumerated() {
            if index > 0, (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(digit)
        }
        return out
    }
}
