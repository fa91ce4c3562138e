import TextFormat
/// A canvas in memory: a grid of cells with roles. Tests draw views onto it, with no terminal.
public struct MemoryCanvas: Canvas {
    public struct Cell: Equatable, Sendable {
        /// One grapheme, or "" for the second cell of a wide character.
        public var text: String
        public var role: Role
    }

    public let width: Int
    public let height: Int
    public private(set) var cells: [[Cell]]

    public init(width: Int, height: Int) {
        self.width = max(0, width)
        self.height = max(0, height)
        cells = Array(repeating: Array(repeating: Cell(text: " ", role: .text), count: self.width), count: self.height)
    }

    public mutating func draw(_ text: String, row: Int, column: Int, role: Role) {
        var x = column
        for character in text {
            let cellWidth = DisplayWidth.of(character)
            guard cellWidth > 0 else {
                // A combining mark joins the previous cell, as on a terminal.
                if x > column { cells[row][x - 1].text.append(character) }
                continue
            }
            guard x + cellWidth <= width else { break }
            cells[row][x] = Cell(text: String(character), role: role)
            if cellWidth == 2 { cells[row][x + 1] = Cell(text: "", role: role) }
            x += cellWidth
        }
    }

    /// The text of one row, trailing spaces kept.
    public func line(_ row: Int) -> String { cells[row].map(\.text).joined() }

    /// All rows, trailing spaces removed: what a screenshot shows.
    public var lines: [String] {
        (0..<height).map { row in
            var text = line(row)
            while text.last == " " { text.removeLast() }
            return text
        }
    }

    /// Everything on the canvas as one string, one line per row.
    public var text: String { lines.joined(separator: "\n") }

    /// The role at a cell.
    public func role(row: Int, column: Int) -> Role { cells[row][column].role }

    /// The role of the first cell where `text` starts on `row`, if it is there.
    public func role(of text: String, row: Int) -> Role? {
        guard let range = line(row).range(of: text) else { return nil }
        let column = DisplayWidth.of(String(line(row)[..<range.lowerBound]))
        return cells[row][column].role
    }
}
