import TextFormat
/// The bottom line: a prompt while typing, else the status, else key hints for the focused pane.
enum FooterView {
    static func draw(_ frame: DashboardFrame, on canvas: inout some Canvas) {
        let rect = frame.layout.footer
        canvas.fill(row: rect.row, column: 0, width: rect.width, role: .footer)
        if case let .prompt(kind, field) = frame.mode {
            let label = kind == .search ? " search: " : " filter (MQTT wildcards): "
            let used = canvas.write(label, row: rect.row, column: 0, role: .footerKey)
            // The end of what was typed stays visible.
            let room = rect.width - used - 1
            // Only the end is escaped and measured: a long paste costs nothing per frame.
            let end = String(field.text.suffix(max(0, room)))
            let text = DisplayWidth.suffix(TerminalEscaping.escaped(Array(end.utf8), keepNewlines: false), cells: room)
            canvas.write(text + "▏", row: rect.row, column: used, role: .footer)
            return
        }
        if let status = frame.status {
            canvas.write(" " + status.text, row: rect.row, column: 0, role: status.isError ? .error : .footer)
            return
        }
        var column = 0
        var context: [String] = []
        if let filter = frame.filter { context.append("filter \(filter)") }
        if let search = frame.search { context.append("match \(search.current)/\(search.count)") }
        if !context.isEmpty { column += canvas.write(" [" + context.joined(separator: " · ") + "]", row: rect.row, column: column, role: .footerKey) }
        // The rules view's key, when there are rules.
        let hints = frame.focus == .tree ? treeHints + (frame.alerts == nil ? [] : [("a", "rules")]) : detailHints
        // Whole hints only: those that do not fit are left out (? lists them all).
        for (key, action) in hints {
            let width = DisplayWidth.of(key) + DisplayWidth.of(action) + 2
            guard column + width <= rect.width else { break }
            column += canvas.write(" " + key, row: rect.row, column: column, role: .footerKey)
            column += canvas.write(" " + action, row: rect.row, column: column, role: .footer)
        }
    }

    // Most needed first: a narrow terminal leaves out the last.
    static let treeHints = [("?", "help"), ("q", "quit"), ("↑↓", "move"), ("←→", "fold"), ("/", "search"), ("f", "filter"),
                            ("p", "publish"), ("Tab", "detail"), ("d", "clear"), ("s", "series"), ("o", "order")]
    static let detailHints = [("?", "help"), ("q", "quit"), ("↑↓", "scroll"), ("PgUp/PgDn", "page"), ("g/G", "top/end"),
                              ("y/Y", "copy"), ("p", "publish"), ("Tab", "tree")]
}
