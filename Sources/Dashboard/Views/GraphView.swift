import TopicModel

/// A series as a block graph several rows tall: each column is one resampled bucket.
enum GraphView {
    static func lines(_ series: TimeSeries, width: Int, height: Int) -> [StyledLine] {
        guard width > 0, height > 0 else { return [] }
        var buckets = Array(repeating: SparkBucket(), count: width)
        series.resample(into: &buckets)
        var low = Double.infinity, high = -Double.infinity
        for bucket in buckets where bucket.count > 0 {
            low = min(low, bucket.min)
            high = max(high, bucket.max)
        }
        let steps = height * 8
        // Eighths of a cell filled in each column, from the bottom.
        let levels = buckets.map { bucket -> Int? in
            guard bucket.count > 0 else { return nil }
            guard high > low else { return steps / 2 }
            return max(1, Int(((bucket.last - low) / (high - low) * Double(steps - 1)).rounded()) + 1)
        }
        return (0..<height).map { line in
            let floor = (height - 1 - line) * 8
            let text = String(levels.map { level -> Character in
                guard let level else { return " " }
                let fill = level - floor
                if fill <= 0 { return " " }
                return fill >= 8 ? "█" : Sparkline.blocks[fill - 1]
            })
            return StyledLine(text, .sparkline)
        }
    }
}
