import TextFormat
/// Draws a whole frame: header, tree, divider, detail, footer, then any overlay.
public enum DashboardView {
    public static func draw(_ frame: DashboardFrame, on canvas: inout some Canvas) {
        let layout = frame.layout
        guard !layout.isTooSmall else {
            for row in 0..<canvas.height { canvas.fill(row: row, column: 0, width: canvas.width, role: .text) }
            canvas.write(tooSmall(layout), row: 0, column: 0, width: canvas.width, role: .error)
            return
        }
        HeaderView.draw(frame, on: &canvas)
        TreePane.draw(frame, on: &canvas)
        drawDivider(frame, on: &canvas)
        DetailPane.draw(frame, on: &canvas)
        FooterView.draw(frame, on: &canvas)
        OverlayView.draw(frame, on: &canvas)
    }

    /// The longest of three sayings that fits the width: the terminal's size against the least.
    static func tooSmall(_ layout: Layout) -> String {
        let size = "\(layout.width)x\(layout.height)", least = "\(Layout.minimumWidth)x\(Layout.minimumHeight)"
        let sayings = ["terminal too small: \(size), needs \(least)", "too small: \(size) < \(least)", "\(size) < \(least)"]
        return sayings.first { DisplayWidth.of($0) <= layout.width } ?? sayings[2]
    }

    private static func drawDivider(_ frame: DashboardFrame, on canvas: inout some Canvas) {
        let divider = frame.layout.divider
        let role: Role = .border
        if frame.layout.isSideBySide {
            for row in divider.row..<(divider.row + divider.height) { canvas.write("│", row: row, column: divider.column, role: role) }
        } else {
            var title = "── detail "
            if frame.totalRows > frame.layout.tree.height {
                title = "── rows \(frame.scroll + 1)-\(min(frame.totalRows, frame.scroll + frame.layout.tree.height)) of \(frame.totalRows) ── detail "
            }
            if frame.focus == .detail { title += "(focused) " }
            let line = title + String(repeating: "─", count: max(0, divider.width - DisplayWidth.of(title)))
            canvas.write(line, row: divider.row, column: 0, role: role)
        }
    }
}
