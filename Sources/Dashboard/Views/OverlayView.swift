import TextFormat
/// Boxes drawn over the panes: help, publish dialog, confirmations, the dry-run list, the series picker.
enum OverlayView {
    static func draw(_ frame: DashboardFrame, on canvas: inout some Canvas) {
        switch frame.mode {
        case .browse, .prompt: return
        case .help: box(title: "keys", lines: HelpText.lines, frame: frame, on: &canvas)
        case let .rules(cursor): RulesView.draw(frame, cursor: cursor, on: &canvas)
        case let .publish(form): PublishDialogView.draw(form, frame: frame, on: &canvas)
        case let .confirm(confirmation):
            var lines = [StyledLine(confirmation.question, .title), StyledLine()]
            if !confirmation.isBulk, let topic = confirmation.topics.first {
                lines.append(StyledLine("An empty retained message will be published to \(topic).", .text))
            }
            lines.append(StyledLine([("y", .footerKey), (" clear   ", .dialog)]
                + (confirmation.isBulk ? [("l", .footerKey), (" list them first (dry run)   ", .dialog)] : [])
                + [("any other key", .footerKey), (" cancel", .dialog)]))
            box(title: "clear retained", lines: lines, frame: frame, on: &canvas)
        case let .retainedList(confirmation, scroll):
            var lines = [StyledLine(confirmation.question + "  y clear · ↑↓ scroll · other key cancel", .title)]
            lines += confirmation.topics.dropFirst(scroll).map { StyledLine([("◉ ", .retainedShown), ($0, .text)]) }
            box(title: "dry run: \(confirmation.topics.count) retained", lines: lines, frame: frame, on: &canvas)
        case let .seriesPicker(paths, index):
            let lines = [StyledLine("Enter choose · a automatic · Esc cancel", .dim)] + paths.enumerated().map { position, path in
                StyledLine(path.isEmpty ? "(the value)" : path, position == index ? .dialogFocus : .dialog)
            }
            box(title: "series to graph", lines: lines, frame: frame, on: &canvas)
        }
    }

    /// Where a box with these lines goes: centred, clipped to the screen.
    static func boxRect(title: String, lines: [StyledLine], layout: Layout, minimumWidth: Int = 30) -> Rect {
        let contentWidth = lines.map { DisplayWidth.of($0.text) }.max() ?? 0
        let width = min(layout.width - 2, max(minimumWidth, contentWidth + 4, DisplayWidth.of(title) + 6))
        let height = min(layout.height - 2, lines.count + 2)
        return Rect(row: max(1, (layout.height - height) / 2), column: max(1, (layout.width - width) / 2), width: width, height: height)
    }

    /// A framed box in the middle of the screen with lines clipped to fit.
    static func box(title: String, lines: [StyledLine], frame: DashboardFrame, on canvas: inout some Canvas, minimumWidth: Int = 30) {
        let rect = boxRect(title: title, lines: lines, layout: frame.layout, minimumWidth: minimumWidth)
        let (width, height) = (rect.width, rect.height)
        canvas.write("┌─ " + title + " " + String(repeating: "─", count: max(0, width - DisplayWidth.of(title) - 5)) + "┐",
                     row: rect.row, column: rect.column, width: width, role: .border)
        for line in 0..<(height - 2) {
            let row = rect.row + 1 + line
            canvas.write("│", row: row, column: rect.column, role: .border)
            canvas.fill(row: row, column: rect.column + 1, width: width - 2, role: .dialog)
            if line < lines.count { lines[line].draw(row: row, column: rect.column + 2, width: width - 4, on: &canvas) }
            canvas.write("│", row: row, column: rect.column + width - 1, role: .border)
        }
        canvas.write("└" + String(repeating: "─", count: max(0, width - 2)) + "┘", row: rect.row + height - 1, column: rect.column, role: .border)
    }
}

/// The help overlay: every key.
enum HelpText {
    // Short enough to fit whole on an 80x24 screen.
    static let keys: [(String, String)] = [
        ("↑/↓  j/k", "move (detail pane: scroll, or move in the overview)"), ("←/→  h/l", "collapse / expand"),
        ("Enter  Esc", "toggle (overview: go to that topic); the whole broker"),
        ("PgUp/PgDn  g/G", "page up / down; first / last"), ("Tab", "switch pane"),
        ("/  n/N", "search (Enter selects the first match); next / previous"),
        ("f / F", "filter with an MQTT wildcard (home/+/temp) / clear it"),
        ("s / t / o", "series to graph / show ages / order by name or traffic"),
        ("[ / ]  v", "graph over 5 min, 1 h, 24 h; what changed since the last message"),
        ("!  a", "next stale topic or offline device; the rules (s/S silence, u lift)"),
        ("p", "publish (Ctrl-R retain, Ctrl-B broker, Ctrl-S send)"),
        ("d", "clear the selected topic's retained value"), ("D", "clear every retained value below (dry run: l)"),
        ("y / Y", "copy the topic / payload (OSC 52)"), ("mouse", "click selects, wheel scrolls"),
        ("?  q  Ctrl-C", "this help; quit"),
        ("◉ ◎ ⊘ ◌", "retained: shown / held under a live value / cleared / gone"),
        ("◷ ✕ ↯", "stale (quiet longer than usual) / offline / unreachable"),
    ]

    static var lines: [StyledLine] {
        keys.map { StyledLine([($0.0.padding(toLength: 16, withPad: " ", startingAt: 0), .footerKey), ($0.1, .dialog)]) }
    }
}
