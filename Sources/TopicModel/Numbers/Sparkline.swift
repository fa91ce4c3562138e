/// Block-character sparklines (▁▂▃▄▅▆▇█) from resampled buckets.
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The sparkline of `series` in `width` cells, using the caller's scratch buffer.
    ///
    /// Each cell shows its bucket's last value on the series' scale (its range, widened to the
    /// kind's minimum span and snapped to a grid, see `SeriesScale.snapped`); empty buckets are
    /// spaces. `scale` is the scale the same line was drawn with before (nil: none), kept while
    /// the values fit it (`SeriesScale.holding`), and becomes the scale drawn with now.
    public static func render(_ series: TimeSeries, width: Int, kind: SeriesKind, scratch: inout [SparkBucket],
                              scale: inout SeriesScale?) -> String {
        guard width > 0 else { return "" }
        if scratch.count != width { scratch = Array(repeating: SparkBucket(), count: width) }
        series.resample(into: &scratch)
        guard let data = SeriesScale.range(of: scratch) else {
            scale = nil
            return String(repeating: " ", count: width)
        }
        let held = SeriesScale(low: data.lowerBound, high: data.upperBound, kind: kind).holding(scale, data: data)
        scale = held
        return line(scratch, on: held)
    }

    /// The sparkline of `series` in `width` cells, on its own scale alone.
    public static func render(_ series: TimeSeries, width: Int, kind: SeriesKind, scratch: inout [SparkBucket]) -> String {
        var scale: SeriesScale?
        return render(series, width: width, kind: kind, scratch: &scratch, scale: &scale)
    }

    private static func line(_ buckets: [SparkBucket], on scale: SeriesScale) -> String {
        var out = ""
        out.reserveCapacity(buckets.count * 3)
        for bucket in buckets {
            guard bucket.count > 0 else { out.append(" "); continue }
            out.append(blocks[max(0, min(7, Int((scale.fraction(bucket.last) * 7).rounded())))])
        }
        return out
    }
}
