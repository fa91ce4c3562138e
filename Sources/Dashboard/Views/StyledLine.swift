import TextFormat
/// A line of text in pieces, each with its role.
public struct StyledLine: Sendable, Equatable {
    public var spans: [(text: String, role: Role)]

    public init(_ spans: [(text: String, role: Role)] = []) { self.spans = spans }
    public init(_ text: String, _ role: Role = .text) { spans = [(text, role)] }

    public var text: String { spans.map(\.text).joined() }

    mutating func append(_ text: String, _ role: Role) { spans.append((text, role)) }

    public static func == (lhs: StyledLine, rhs: StyledLine) -> Bool {
        lhs.spans.count == rhs.spans.count && zip(lhs.spans, rhs.spans).allSatisfy { $0.text == $1.text && $0.role == $1.role }
    }

    /// The line broken into lines of at most `width` cells, nothing cut: at a space where there
    /// is one, and continuation lines indented like the first, plus two cells, after "↪".
    func wrapped(width: Int) -> [StyledLine] {
        guard width > 4, DisplayWidth.of(text) > width else { return [self] }
        let indent = text.prefix { $0 == " " }.count
        // At least two cells stay free after the marker, so a wide character always fits.
        let continuation = String(repeating: " ", count: max(0, min(indent + 2, width / 2, width - 4))) + "↪ "
        var lines: [StyledLine] = []
        var line = StyledLine()
        var used = 0
        for span in spans {
            var rest = Substring(span.text)
            while !rest.isEmpty {
                if used == width {
                    lines.append(line)
                    line = StyledLine(continuation, .dim)
                    used = DisplayWidth.of(continuation)
                }
                var (piece, cells) = DisplayWidth.prefix(rest, cells: width - used)
                // A wide character that cannot fit starts the next line.
                if piece.isEmpty {
                    used = width
                    continue
                }
                // Break after the last space that fits, unless the word would fill a line alone.
                if piece.count < rest.count, let space = piece.lastIndex(of: " "), space > piece.startIndex {
                    piece = String(piece[...space])
                    line.append(piece, span.role)
                    rest = rest.dropFirst(piece.count)
                    used = width
                    continue
                }
                line.append(piece, span.role)
                used += cells
                rest = rest.dropFirst(piece.count)
            }
        }
        lines.append(line)
        return lines
    }

    /// Draws the spans from `column`, clipped to `width` cells.
    func draw(row: Int, column: Int, width: Int, on canvas: inout some Canvas) {
        var used = 0
        for span in spans where used < width {
            used += canvas.write(span.text, row: row, column: column + used, width: width - used, role: span.role)
        }
    }
}
