/// Block-character sparklines (▁▂▃▄▅▆▇█) from resampled buckets.
public enum Sparkline {
    public static let blocks: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]

    /// The sparkline of `series` in `width` cells, using the caller's scratch buffer.
    ///
    /// Each cell shows its bucket's last value, scaled between the min and max of all buckets;
    /// empty buckets are spaces.
    public static func render(_ series: TimeSeries, width: Int, scratch: inout [SparkBucket]) -> String {
        guard width > 0 else { return "" }
        if scratch.count != width { scratch = Array(repeating: SparkBucket(), count: width) }
        series.resample(into: &scratch)
        var low = Double.infinity, high = -Double.infinity
        for bucket in scratch where bucket.count > 0 {
            low = min(low, bucket.min)
            high = max(high, bucket.max)
        }
        var out = ""
        out.reserveCapacity(width * 3)
        for bucket in scratch {
            guard bucket.count > 0 else { out.append(" "); continue }
            let level = high > low ? Int(((bucket.last - low) / (high - low) * 7).rounded()) : 3
            out.append(blocks[max(0, min(7, level))])
        }
        return out
    }
}
