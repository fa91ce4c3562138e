/// What a topic's timing says: when it last spoke (on the connected clock), its usual interval,
/// and whether it has gone quiet.
public struct Liveness: Sendable {
    /// The connected-clock time of the newest message.
    public internal(set) var lastConnected = 0.0
    /// The time of the stale schedule's latest entry for this topic (see `isScheduled`).
    var scheduledAt = 0.0
    public internal(set) var intervals = IntervalEstimate()
    /// Silent for longer than `IntervalEstimate.staleAfter` its interval.
    public internal(set) var isStale = false
    /// Whether the stale schedule holds an entry for this topic.
    var isScheduled = false

    /// The silence at which this topic turns stale, once it has an interval.
    public var staleAfter: Double? { intervals.interval.map(IntervalEstimate.staleAfter(interval:)) }
}

/// When topics may turn stale: one entry per topic with an interval, earliest first.
///
/// An entry can be early (the topic spoke since): it is then moved to the topic's true deadline,
/// so each topic costs O(log n) once per stale period, not once per message.
struct StaleDeadline: Comparable, Sendable {
    var connectedTime: Double
    var topic: Int32

    static func < (lhs: Self, rhs: Self) -> Bool {
        (lhs.connectedTime, lhs.topic) < (rhs.connectedTime, rhs.topic)
    }
}
