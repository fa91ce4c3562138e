import TopicModel

/// One rule watching one topic: where it stands, and since when.
public struct Alert: Sendable {
    public enum Phase: Sendable, Equatable {
        /// The condition does not hold.
        case ok
        /// It holds, since then, and waits for the rule's `for`.
        case pending(since: Double)
        /// The rule fired then (and last said so at `told`: the firing or a reminder).
        case firing(since: Double, told: Double)
    }

    public let rule: Int
    public let broker: Int
    public let topic: NodeID
    public let topicName: String
    public internal(set) var phase: Phase = .ok
    /// Whether the condition held at the last look (a limit's hysteresis needs it).
    var holds = false
    /// The newest value read for the rule (its field's, or the payload's).
    public internal(set) var value: String?
    /// When the alert next needs a look (its silence, its `for` or its reminder), as queued.
    var scheduledAt: Double?

    public var isFiring: Bool {
        if case .firing = phase { return true }
        return false
    }

    /// When it fired, while it is firing.
    public var firingSince: Double? {
        if case let .firing(since, _) = phase { return since }
        return nil
    }
}

/// An alert's next look, in wall time; the alert's latest entry is the one that counts.
struct AlertDeadline: Comparable, Sendable {
    var time: Double
    var alert: Int32

    static func < (lhs: Self, rhs: Self) -> Bool { (lhs.time, lhs.alert) < (rhs.time, rhs.alert) }
}
