/// One numeric series: its recent points, plus per-minute min/avg/max for a day, in bounded space.
///
/// Storage grows with use up to its bounds (240 points, 1,440 minutes), so a topic that sent one
/// number costs one point, not a day's worth.
public struct TimeSeries: Sendable {
    public static let pointCapacity = 240
    public static let minuteCapacity = 24 * 60

    public struct Point: Sendable, Hashable {
        public var time: Double
        public var value: Double

        public init(time: Double, value: Double) {
            self.time = time
            self.value = value
        }
    }

    /// Aggregate of one wall-clock minute.
    public struct Minute: Sendable, Hashable {
        public var minute: Int64
        public var min: Double
        public var max: Double
        public var sum: Double
        public var count: Int
        public var average: Double { sum / Double(count) }

        public init(minute: Int64, min: Double, max: Double, sum: Double, count: Int) {
            self.minute = minute
            self.min = min
            self.max = max
            self.sum = sum
            self.count = Swift.max(1, count)
        }
    }

    private var points: [Point] = []
    private var pointHead = 0  // index of the oldest point once the ring is full
    /// Points appended since the series began: a point's place in the sparkline's columns.
    private var appended = 0
    private var minutes: [Minute] = []
    private var minuteHead = 0

    public init() {}

    public var count: Int { points.count }
    public var last: Point? { points.isEmpty ? nil : points[(pointHead + points.count - 1) % points.count] }

    /// The recent points, oldest first.
    public var recent: [Point] { Array(points[pointHead...] + points[..<pointHead]) }

    /// The per-minute aggregates, oldest first.
    public var perMinute: [Minute] { Array(minutes[minuteHead...] + minutes[..<minuteHead]) }

    mutating func append(_ value: Double, at time: Double) {
        let point = Point(time: time, value: value)
        appended += 1
        if points.count < Self.pointCapacity {
            points.append(point)
        } else {
            points[pointHead] = point
            pointHead = (pointHead + 1) % points.count
        }
        let minute = Int64((time / 60).rounded(.down))
        let newest = minutes.isEmpty ? nil : (minuteHead + minutes.count - 1) % minutes.count
        if let newest, minutes[newest].minute == minute {
            var entry = minutes[newest]
            entry.min = Swift.min(entry.min, value)
            entry.max = Swift.max(entry.max, value)
            entry.sum += value
            entry.count += 1
            minutes[newest] = entry
            return
        }
        let entry = Minute(minute: minute, min: value, max: value, sum: value, count: 1)
        if minutes.count < Self.minuteCapacity {
            minutes.append(entry)
        } else {
            minutes[minuteHead] = entry
            minuteHead = (minuteHead + 1) % minutes.count
        }
    }

    /// Min, average, max and last over the recent points.
    public var summary: (min: Double, average: Double, max: Double, last: Double)? {
        guard let last else { return nil }
        var low = Double.infinity, high = -Double.infinity, sum = 0.0
        for point in points {
            low = Swift.min(low, point.value)
            high = Swift.max(high, point.value)
            sum += point.value
        }
        return (low, sum / Double(points.count), high, last.value)
    }

    /// Resamples the recent points into `buckets.count` columns of equally many points, writing
    /// min/max/last per column into the caller's buffer (reused across frames: no allocation).
    ///
    /// Columns are counted from the series' first point, so they stay put: a new point changes
    /// one cell, and the line moves one column only when a point starts a new one. A steady
    /// home's screen then changes by a cell per message, not by whole lines.
    /// - A young series (fewer points than cells) grows from the left, a point a column.
    /// - While its ring fills, a column holds the fewest points that fit them all into the width,
    ///   oldest column first (columns are re-cut when the points pass a multiple of the width).
    /// - Once the ring is full, a column holds as many points as fill the width, newest column
    ///   last; the oldest points that do not make a whole column more are left out.
    /// Columns with no point get `count == 0`.
    public func resample(into buckets: inout [SparkBucket]) {
        let width = buckets.count
        guard width > 0 else { return }
        for index in 0..<width { buckets[index] = SparkBucket() }
        let total = points.count
        guard total > 0 else { return }
        let full = total == Self.pointCapacity
        let perColumn = full ? max(1, total / width) : (total + width - 1) / width
        let oldest = appended - total
        let newestColumn = (appended - 1) / perColumn
        let firstColumn = full ? newestColumn - width + 1 : max(oldest / perColumn, newestColumn - width + 1)
        for ordinal in 0..<total {
            let column = (oldest + ordinal) / perColumn - firstColumn
            guard column >= 0 else { continue }
            buckets[column].add(points[(pointHead + ordinal) % total].value)
        }
    }
}

// MARK: - Over time

extension TimeSeries {
    /// Buckets the window `start ..< end` into `buckets.count` equal slices of time: the raw
    /// points where they reach back, the per-minute aggregates before them. A slice with no data
    /// is left empty (a gap), except that the last value carries across slices while it is no
    /// older than `hold` (so a sensor that reports every minute draws a line, not dots).
    public func resample(from start: Double, to end: Double, hold: Double, into buckets: inout [SparkBucket]) {
        let width = buckets.count
        guard width > 0, end > start else { return }
        for index in 0..<width { buckets[index] = SparkBucket() }
        let span = (end - start) / Double(width)
        func slot(_ time: Double) -> Int? {
            guard time >= start, time < end else { return nil }
            return min(width - 1, Int((time - start) / span))
        }
        let firstRaw = points.isEmpty ? Double.infinity : points[pointHead].time
        var lastTime = Array(repeating: -Double.infinity, count: width)
        let total = minutes.count
        for ordinal in 0..<total {
            let entry = minutes[(minuteHead + ordinal) % total]
            let time = Double(entry.minute) * 60
            // Minutes the raw points cover are drawn from the points.
            guard time + 60 <= firstRaw, let index = slot(time + 30) else { continue }
            buckets[index].add(entry.min)
            buckets[index].add(entry.max)
            buckets[index].last = entry.average
            lastTime[index] = time + 60
        }
        let count = points.count
        for ordinal in 0..<count {
            let point = points[(pointHead + ordinal) % count]
            guard let index = slot(point.time) else { continue }
            buckets[index].add(point.value)
            lastTime[index] = point.time
        }
        // Carry the last value across short gaps.
        var carried: (value: Double, time: Double)?
        for index in 0..<width {
            if buckets[index].count > 0 {
                carried = (buckets[index].last, lastTime[index])
            } else if let value = carried, start + Double(index + 1) * span - value.time <= hold {
                buckets[index] = SparkBucket(carrying: value.value)
            }
        }
    }

    /// The median gap between the recent points, or nil with fewer than two.
    public var typicalGap: Double? {
        guard points.count > 1 else { return nil }
        let ordered = recent
        var gaps = zip(ordered.dropFirst(), ordered).map { $0.time - $1.time }
        gaps.sort()
        return gaps[gaps.count / 2]
    }
}

/// One column of a sparkline.
public struct SparkBucket: Sendable, Hashable {
    public var min = Double.infinity
    public var max = -Double.infinity
    public var last = 0.0
    public var count = 0

    public init() {}

    /// A column with no point of its own that shows `value` (carried over a short gap).
    init(carrying value: Double) {
        min = value
        max = value
        last = value
        count = 1
    }

    mutating func add(_ value: Double) {
        min = Swift.min(min, value)
        max = Swift.max(max, value)
        last = value
        count += 1
    }
}

// MARK: - From a recording

extension TimeSeries {
    /// A series rebuilt from a recording: its per-minute aggregates and its newest raw points,
    /// each oldest first (only the newest that fit are kept), then what `live` holds beyond the
    /// recording. A live point no newer than the recording's last is one the recording has (the
    /// seeded newest message, or a message both recorded and received), so it counts once; the
    /// minute where live data takes over is the recorded minute plus the newer live points.
    public init(recordedMinutes: [Minute], points recorded: [Point], then live: TimeSeries? = nil) {
        let lastRecorded = max(recorded.last?.time ?? -.infinity, recordedMinutes.last.map { Double($0.minute) * 60 } ?? -.infinity)
        let newer = (live?.recent ?? []).filter { $0.time > lastRecorded }
        points = Array((recorded + newer).suffix(Self.pointCapacity))
        // The sparkline's columns count from the series' first point: the recording's are its first.
        appended = points.count
        guard let live, let first = newer.first else {
            minutes = Array(recordedMinutes.suffix(Self.minuteCapacity))
            return
        }
        let boundary = Int64((first.time / 60).rounded(.down))
        let recordedBoundary = recordedMinutes.first { $0.minute == boundary }
        var low = recordedBoundary?.min ?? .infinity, high = recordedBoundary?.max ?? -.infinity
        var sum = recordedBoundary?.sum ?? 0, count = recordedBoundary?.count ?? 0
        for point in newer where Int64((point.time / 60).rounded(.down)) == boundary {
            low = Swift.min(low, point.value)
            high = Swift.max(high, point.value)
            sum += point.value
            count += 1
        }
        let merged = recordedMinutes.filter { $0.minute < boundary } + [Minute(minute: boundary, min: low, max: high, sum: sum, count: count)]
            + live.perMinute.filter { $0.minute > boundary }
        minutes = Array(merged.suffix(Self.minuteCapacity))
    }
}
