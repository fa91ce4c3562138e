/// Messages and bytes per second at a node (a topic, or everything below a branch), over the
/// last 10 s and the last minute, in fixed space.
///
/// Each window keeps two buckets as long as itself: the current one and the one before. The
/// count over the last window is the current bucket plus the part of the previous one the
/// window still covers, which is exact for a steady rate and never off by more than the
/// previous bucket's share for a bursty one.
///
/// Every node keeps one (28 bytes), so bytes are counted over the minute only: bytes over 10 s
/// are the minute's bytes per message times the messages of the 10 s.
public struct Traffic: Sendable, Hashable {
    /// The second (since 1970) of the newest message; 32 bits last until 2106.
    private var second: UInt32 = 0
    private var messages10 = Buckets()
    private var messages60 = Buckets()
    private var bytes60 = Buckets()

    public init() {}

    /// Two consecutive buckets of one window; counts saturate at 2³² − 1.
    struct Buckets: Sendable, Hashable {
        var current: UInt32 = 0
        var previous: UInt32 = 0

        mutating func add(_ count: UInt32) { current = current.addingReportingOverflow(count).overflow ? .max : current &+ count }

        /// Less `other`'s counts (a part of these), never below 0.
        mutating func remove(_ other: Buckets) {
            current -= min(current, other.current)
            previous -= min(previous, other.previous)
        }

        /// Moves on `steps` buckets.
        mutating func advance(_ steps: UInt32) {
            guard steps > 0 else { return }
            previous = steps == 1 ? current : 0
            current = 0
        }

        /// The count over the last `window` seconds, `into` seconds into the current bucket.
        func count(window: Double, into: Double) -> Double {
            Double(current) + Double(previous) * max(0, 1 - into / window)
        }
    }

    /// The whole second (since 1970) that `record` takes, worked out once per message.
    static func second(_ time: Double) -> UInt32 { UInt32(clamping: Int64(time.rounded(.down))) }

    /// Counts a message of `bytes` bytes received in `now` (a `second(_:)`).
    mutating func record(bytes: UInt32, second now: UInt32) {
        advance(to: now)
        messages10.add(1)
        messages60.add(1)
        bytes60.add(bytes)
    }

    /// Moves the buckets on to the second `now`.
    private mutating func advance(to now: UInt32) {
        guard now > second else { return }
        let steps60 = now / 60 - second / 60
        messages10.advance(now / 10 - second / 10)
        messages60.advance(steps60)
        bytes60.advance(steps60)
        second = now
    }

    /// This traffic less that of `parts` (a topic's children, to leave the topic's own), all
    /// seen at `now`: the buckets are whole tens of seconds and minutes, so they line up.
    public func excluding(_ parts: some Sequence<Traffic>, now: Double) -> Traffic {
        let at = max(Self.second(now), second)
        var own = self
        own.advance(to: at)
        for var part in parts {
            part.advance(to: at)
            own.messages10.remove(part.messages10)
            own.messages60.remove(part.messages60)
            own.bytes60.remove(part.bytes60)
        }
        return own
    }

    /// Messages per second over the last 10 s (`.short`) or the last minute (`.long`) at `now`;
    /// `since` is when listening began, if within the window (what came before was not heard).
    public func messageRate(_ window: Window = .short, now: Double, since: Double? = nil) -> Double {
        rate(window == .short ? messages10 : messages60, window, now: now, since: since)
    }

    /// Bytes per second over the last 10 s or the last minute at `now` (see `messageRate`).
    public func byteRate(_ window: Window = .short, now: Double, since: Double? = nil) -> Double {
        let minute = rate(bytes60, .long, now: now, since: since)
        guard window == .short else { return minute }
        let messages = rate(messages60, .long, now: now, since: since)
        return messages > 0 ? minute / messages * messageRate(.short, now: now, since: since) : 0
    }

    /// The two windows rates are given over.
    public enum Window: Sendable {
        /// The last 10 seconds.
        case short
        /// The last minute.
        case long

        public var seconds: Double { self == .short ? 10 : 60 }
    }

    private func rate(_ buckets: Buckets, _ window: Window, now: Double, since: Double?) -> Double {
        let length = window.seconds
        let nowBucket = (now / length).rounded(.down), lastBucket = (Double(second) / length).rounded(.down)
        // Buckets the clock has left behind no longer count.
        var moved = buckets
        if nowBucket > lastBucket { moved.advance(UInt32(clamping: Int64(nowBucket - lastBucket))) }
        // Listening for less than the window: everything counted came since, over that time.
        if let since, now - length < since {
            return (Double(moved.current) + Double(moved.previous)) / max(1, now - since)
        }
        return moved.count(window: length, into: now - nowBucket * length) / length
    }
}
