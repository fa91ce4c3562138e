import TextFormat
/// A grid of character cells that views draw on: ncurses in the terminal, `MemoryCanvas` in tests.
///
/// Views call `write`, which sanitises and clips; implementations only provide `draw`.
///
/// ```swift
/// var canvas = MemoryCanvas(width: 80, height: 24)
/// canvas.write("home/kitchen", row: 0, column: 2, width: 20, role: .leaf)
/// ```
public protocol Canvas {
    var width: Int { get }
    var height: Int { get }
    /// Draws text that is already safe and fits: no control characters, and its display width
    /// does not pass the right edge.
    mutating func draw(_ text: String, row: Int, column: Int, role: Role)
}

extension Canvas {
    /// Writes text clipped to `width` cells (default: to the right edge); returns the cells used.
    /// Text that does not fit ends in "…", so nothing is cut without a sign.
    ///
    /// Control characters are escaped here as well, so no view can put one on the terminal.
    @discardableResult
    public mutating func write(_ text: String, row: Int, column: Int, width: Int? = nil, role: Role) -> Int {
        guard row >= 0, row < height, column >= 0, column < self.width else { return 0 }
        let room = min(width ?? (self.width - column), self.width - column)
        guard room > 0, !text.isEmpty else { return 0 }
        // Clip first: only what fits is checked, so a long line costs O(width) per frame.
        // Escaping only lengthens text, so what lies past the clip never matters.
        var (clipped, used) = DisplayWidth.prefix(text, cells: room)
        // Only spaces past the edge (padding) are not a cut.
        var cut = clipped.utf8.count < text.utf8.count && !text.utf8.dropFirst(clipped.utf8.count).allSatisfy { $0 == 0x20 }
        if !DisplayWidth.isSafe(clipped) {
            let escaped = TerminalEscaping.escaped(Array(clipped.utf8), keepNewlines: false)
            (clipped, used) = DisplayWidth.prefix(escaped, cells: room)
            cut = cut || clipped.utf8.count < escaped.utf8.count
        }
        if cut {
            (clipped, used) = DisplayWidth.prefix(clipped, cells: room - 1)
            clipped += "…"
            used += 1
        }
        if !clipped.isEmpty { draw(clipped, row: row, column: column, role: role) }
        return used
    }

    /// Fills `width` cells with spaces in a role (backgrounds, clearing a pane).
    public mutating func fill(row: Int, column: Int, width: Int, role: Role) {
        let room = min(width, self.width - column)
        guard row >= 0, row < height, column >= 0, room > 0 else { return }
        draw(String(repeating: " ", count: room), row: row, column: column, role: role)
    }

    /// Writes text, then pads with spaces to exactly `width` cells.
    public mutating func writePadded(_ text: String, row: Int, column: Int, width: Int, role: Role) {
        let used = write(text, row: row, column: column, width: width, role: role)
        fill(row: row, column: column + used, width: width - used, role: role)
    }
}
