/// When a replayed message is due: its recorded gap from the first, scaled by the speed.
///
/// ```swift
/// let pace = ReplayPace(speed: 10, firstRecorded: 1_000, start: 50)
/// pace.due(recorded: 1_060)   // 56: a minute recorded is 6 s replayed
/// ```
public struct ReplayPace: Sendable, Equatable {
    /// How many times faster than recorded; nil: as fast as the broker takes them.
    public let speed: Double?
    public let firstRecorded: Double
    /// When the first message went out (any clock in seconds).
    public let start: Double

    public init(speed: Double?, firstRecorded: Double, start: Double) {
        self.speed = speed
        self.firstRecorded = firstRecorded
        self.start = start
    }

    /// When the message recorded at `recorded` goes out, on the clock of `start`.
    public func due(recorded: Double) -> Double {
        guard let speed else { return start }
        return start + max(0, recorded - firstRecorded) / speed
    }
}
