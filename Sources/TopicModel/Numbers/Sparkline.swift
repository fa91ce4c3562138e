/// Block-character sparklines (▁▂▃▄▅▆▇█) from resampled buckets.
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The sparkline of `series` in `width` cells, using the caller's scratch buffer.
    ///
    /// Each cell shows its bucket's last value on the series' scale (its range, widened to the
    /// kind's minimum span and snapped to a grid, see `SeriesScale.snapped`); empty buckets are
    /// spaces.
    public static func render(_ series: TimeSeries, width: Int, kind: SeriesKind, scratch: inout [SparkBucket]) -> String {
        guard width > 0 else { return "" }
        if scratch.count != width { scratch = Array(repeating: SparkBucket(), count: width) }
        series.resample(into: &scratch)
        guard let scale = SeriesScale(scratch, kind: kind)?.snapped() else { return String(repeating: " ", count: width) }
        var out = ""
        out.reserveCapacity(width * 3)
        for bucket in scratch {
            guard bucket.count > 0 else { out.append(" "); continue }
            out.append(blocks[max(0, min(7, Int((scale.fraction(bucket.last) * 7).rounded())))])
        }
        return out
    }
}
