import TextFormat
import Watch

/// The rules view (`a`), over the panes: each rule's state, since when, its last value and how
/// its last action went (in `hearth watch`), and its silence.
///
///     ┌─ rules: 1 of 3 firing ─────────────────────────────────────────────┐
///     │ s silence 1 h · S until resolved · u lift · Esc close               │
///     │ ● freezer warm   critical  firing since 12m  zigbee2mqtt/freezer -12 │
///     │ ○ door open      warning   ok · last closed · action ok 3h ago       │
enum RulesView {
    static func draw(_ frame: DashboardFrame, cursor: Int, on canvas: inout some Canvas) {
        let alerts = frame.alerts ?? DashboardFrame.Alerts()
        let firing = alerts.rules.count { $0.firing > 0 && !$0.isUnknown }
        // The box holds the keys' line and as many rules as the screen does, the cursor's among them.
        let room = max(1, frame.layout.height - 5)
        let start = max(0, min(cursor - room + 1, alerts.rules.count - room))
        var lines = [StyledLine("s silence 1 h · S until resolved · u lift · ↑↓ move · Esc close", .dim)]
        for (index, rule) in alerts.rules.enumerated().dropFirst(start).prefix(room) {
            lines.append(line(rule, highlighted: index == cursor, now: frame.now))
        }
        OverlayView.box(title: "rules: \(firing) of \(alerts.rules.count) firing", lines: lines, frame: frame, on: &canvas, minimumWidth: 60)
    }

    static func line(_ rule: DashboardFrame.Alerts.RuleLine, highlighted: Bool, now: Double) -> StyledLine {
        func escaped(_ text: String) -> String { TerminalEscaping.escaped(Array(text.utf8), keepNewlines: false) }
        let severityRole: Role = rule.severity == .critical ? .error : .stale
        // Unknown first: a broker that is down makes its rules unknown, never firing.
        var line: StyledLine
        if rule.isUnknown {
            line = StyledLine("? ", .dim)
        } else {
            line = StyledLine(rule.firing > 0 ? "● " : "○ ", rule.firing > 0 ? severityRole : .dim)
        }
        line.append(DisplayWidth.truncate(escaped(rule.name), cells: 18).padding(toLength: 18, withPad: " ", startingAt: 0) + " ",
                    highlighted ? .dialogFocus : .dialog)
        line.append(rule.severity.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0), severityRole)
        if rule.isUnknown {
            line.append("unknown: a broker it watches is down", .dim)
        } else if let oldest = rule.oldest {
            let count = rule.firing > 1 ? " ×\(rule.firing)" : ""
            line.append("firing\(count) since \(ValueFormat.age(now - oldest.since))", severityRole)
            line.append("  " + escaped(oldest.topic) + (oldest.value.map { " " + escaped($0) } ?? ""), .dialog)
        } else {
            line.append("ok · \(rule.condition) on " + escaped(rule.filter) + (rule.lastValue.map { " · last " + escaped($0) } ?? ""), .dialog)
        }
        switch rule.silence {
        case .untilResolved: line.append(" · silenced until resolved", .dim)
        case let .until(time): line.append(" · silenced \(ValueFormat.age(max(0, time - now))) more", .dim)
        case nil: break
        }
        if let action = rule.lastAction {
            let ok = action.result == "ok"
            line.append(" · action " + (ok ? "ok" : escaped(action.result)) + " \(ValueFormat.age(now - action.time)) ago", ok ? .dim : .error)
        }
        return line
    }
}
