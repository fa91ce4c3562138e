import TopicModel
import TextFormat

/// A series as a graph over time, several rows tall: the x axis is the window ending now (a gap
/// in the data is a gap), the y axis is labelled with the top and bottom of the series' scale.
///
///     22.5 │      ▂▄▆█▇▅▃▂
///          │    ▂▄████████▆▄
///     20.5 │▁▂▄█████████████▇▅
///          └-5m        -2.5m     now
enum GraphView {
    static func lines(_ series: TimeSeries, window: GraphWindow, now: Double, width: Int, height: Int,
                      kind: SeriesKind, unit: String? = nil) -> [StyledLine] {
        guard width > 8, height > 0 else { return [] }
        let start = now - window.seconds
        // A reading carries across gaps up to three of its usual intervals (at least a minute
        // where the per-minute aggregates draw it).
        let hold = max(3 * (series.typicalGap ?? 60), window == .fiveMinutes ? 0 : 180)
        var scratch = Array(repeating: SparkBucket(), count: 1)
        guard let probe = scale(series, start: start, now: now, hold: hold, columns: width, kind: kind, into: &scratch) else {
            return [StyledLine("  no readings in the last \(window.label)", .dim)]
        }
        let top = ValueFormat.short(probe.high, digits: 1), bottom = ValueFormat.short(probe.low, digits: 1)
        // The unit goes on the y axis, between its top and bottom, when it is short.
        let unitLabel = unit.map { TerminalEscaping.escaped(Array($0.utf8), keepNewlines: false) }.flatMap { DisplayWidth.of($0) <= 6 ? $0 : nil }
        let labelWidth = max(DisplayWidth.of(top), DisplayWidth.of(bottom), unitLabel.map(DisplayWidth.of) ?? 0) + 1
        let plotWidth = width - labelWidth - 1
        guard plotWidth >= 8 else { return [] }
        var buckets = Array(repeating: SparkBucket(), count: plotWidth)
        guard let scale = scale(series, start: start, now: now, hold: hold, columns: plotWidth, kind: kind, into: &buckets) else { return [] }
        let steps = height * 8
        // Eighths of a cell filled in each column, from the bottom.
        let levels = buckets.map { bucket -> Int? in
            bucket.count > 0 ? max(1, Int((scale.fraction(bucket.last) * Double(steps - 1)).rounded()) + 1) : nil
        }
        var out: [StyledLine] = (0..<height).map { line in
            let floor = (height - 1 - line) * 8
            let plot = String(levels.map { level -> Character in
                guard let level else { return " " }
                let fill = level - floor
                if fill <= 0 { return " " }
                return fill >= 8 ? "█" : Sparkline.blocks[fill - 1]
            })
            let label = line == 0 ? ValueFormat.short(scale.high, digits: 1) : line == height - 1 ? ValueFormat.short(scale.low, digits: 1)
                : line == height / 2 && height > 2 ? unitLabel ?? "" : ""
            return StyledLine([(pad(label, labelWidth) + "│", .dim), (plot, .sparkline)])
        }
        out.append(StyledLine(String(repeating: " ", count: labelWidth) + "└" + axis(window, width: plotWidth), .dim))
        return out
    }

    /// The scale of the window's buckets, resampling into `buckets`.
    private static func scale(_ series: TimeSeries, start: Double, now: Double, hold: Double, columns: Int, kind: SeriesKind,
                              into buckets: inout [SparkBucket]) -> SeriesScale? {
        if buckets.count != columns { buckets = Array(repeating: SparkBucket(), count: columns) }
        series.resample(from: start, to: now, hold: hold, into: &buckets)
        return SeriesScale(buckets, kind: kind)
    }

    /// "-5m        -2m30s        now": the window's start, middle and end under the plot.
    static func axis(_ window: GraphWindow, width: Int) -> String {
        let left = "-" + axisAge(window.seconds)
        let middle = "-" + axisAge(window.seconds / 2)
        let right = "now"
        var cells = Array(repeating: Character(" "), count: width)
        func place(_ text: String, at column: Int) {
            for (offset, character) in text.enumerated() where column + offset >= 0 && column + offset < width {
                cells[column + offset] = character
            }
        }
        place(left, at: 0)
        place(middle, at: width / 2 - middle.count / 2)
        place(right, at: width - right.count)
        return String(cells)
    }

    /// "5m", "2m30s", "30m", "12h": exact, as an axis label must be.
    static func axisAge(_ seconds: Double) -> String {
        let total = Int(seconds)
        if total < 60 { return "\(total)s" }
        if total < 3600 { return "\(total / 60)m" + (total % 60 > 0 ? "\(total % 60)s" : "") }
        return "\(total / 3600)h" + (total % 3600 / 60 > 0 ? "\(total % 3600 / 60)m" : "")
    }

    private static func pad(_ text: String, _ cells: Int) -> String {
        String(repeating: " ", count: max(0, cells - 1 - DisplayWidth.of(text))) + text + " "
    }
}
