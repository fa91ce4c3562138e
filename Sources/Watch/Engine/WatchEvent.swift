/// A rule's transition, as `hearth watch` prints it (one NDJSON line) and its actions see it.
public struct WatchEvent: Sendable, Equatable {
    public enum Kind: String, Sendable {
        /// The condition started to hold (for `for` when the rule has one).
        case fired
        /// It stopped holding.
        case resolved
        /// It still holds, `repeat` after the last word.
        case reminded
        /// The broker is down: nothing can be known of the rule's topics until it is back.
        case unknown
    }

    public var kind: Kind
    public var rule: String
    public var severity: Severity
    public var broker: String
    /// The topic; for `unknown`, the rule's filter.
    public var topic: String
    /// The value that made the transition (the payload, or the rule's field), if any.
    public var value: String?
    /// Seconds since 1970.
    public var time: Double
    /// Why, for `unknown`: the broker's connection.
    public var reason: String?
    /// A silenced rule still says what happens, but runs no action.
    public var silenced: Bool

    public init(kind: Kind, rule: String, severity: Severity, broker: String, topic: String, value: String?, time: Double,
                reason: String? = nil, silenced: Bool = false) {
        self.kind = kind
        self.rule = rule
        self.severity = severity
        self.broker = broker
        self.topic = topic
        self.value = value
        self.time = time
        self.reason = reason
        self.silenced = silenced
    }

    /// Whether the rule's actions run for it (never for `unknown`, nor while silenced).
    public var runsActions: Bool { kind != .unknown && !silenced }
}
