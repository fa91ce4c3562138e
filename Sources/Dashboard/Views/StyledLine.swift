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

    /// Draws the spans from `column`, clipped to `width` cells.
    func draw(row: Int, column: Int, width: Int, on canvas: inout some Canvas) {
        var used = 0
        for span in spans where used < width {
            used += canvas.write(span.text, row: row, column: column + used, width: width - used, role: span.role)
        }
    }
}
