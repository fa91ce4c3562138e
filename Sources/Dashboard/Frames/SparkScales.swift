import TopicModel

/// The scale each sparkline on screen was drawn with, kept for the next frame so a line keeps
/// its scale while its values fit it (`SeriesScale.holding`): a drifting sensor then redraws a
/// cell per message, not its whole line whenever its range moves. A line that leaves the screen
/// forgets its scale.
struct SparkScales {
    /// A line on screen: a field of a node, at a width. A tree row's line and an overview line
    /// of the same field at the same width share one: they draw the same series.
    struct Line: Hashable {
        let node: NodeID
        let field: String
        let width: Int
    }

    private var drawn: [Line: SeriesScale] = [:]
    private var drawing: [Line: SeriesScale] = [:]

    /// Starts a frame: the lines it draws keep the scales of the frame before.
    mutating func startFrame() {
        drawn = drawing
        drawing.removeAll(keepingCapacity: true)
    }

    /// The sparkline of `series` as `line` draws it, in `line.width` cells.
    mutating func render(_ series: TimeSeries, as line: Line, kind: SeriesKind, scratch: inout [SparkBucket]) -> String {
        var scale = drawn[line]
        let text = Sparkline.render(series, width: line.width, kind: kind, scratch: &scratch, scale: &scale)
        drawing[line] = scale
        return text
    }
}
