/// What the dashboard knows about a topic's retained value.
///
/// Two facts are kept apart: whether the broker holds a retained value for the topic, and whether
/// the value on screen is that retained value or a newer live one.
public enum RetainedState: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// No retained value is known to be held.
    case none
    /// The value shown is the retained one (delivered with retain=1).
    case shown
    /// A newer live value is shown, while the broker still holds a retained value.
    case held
    /// An empty retained payload cleared the value; nothing is held.
    case cleared
    /// The broker no longer holds it: after a reconnect it did not send it again. Nobody cleared
    /// it (the broker lost its store, or the session changed); the last value stays visible.
    case gone

    /// Whether the broker holds a retained value for the topic.
    public var isHeld: Bool { self == .shown || self == .held }

    public var description: String {
        switch self {
        case .none: return "none"
        case .shown: return "shown"
        case .held: return "held"
        case .cleared: return "cleared"
        case .gone: return "gone"
        }
    }

    /// The state after a message with this retain flag and payload size arrives.
    ///
    /// - retain=1 with a payload: the broker holds it (sent on subscribe, or live with MQTT 5
    ///   retain-as-published) and it is what we show.
    /// - retain=1 with an empty payload: the retained value was cleared [MQTT-3.3.1-10].
    /// - retain=0: a live message never replaces or removes a retained value [MQTT-3.3.1-12], so a
    ///   held value stays held while the live one is shown. (Under 3.1.1 a live message that was
    ///   published retained also arrives with retain=0; the broker gives no way to tell.)
    public func after(retain: Bool, payloadIsEmpty: Bool) -> RetainedState {
        if retain { return payloadIsEmpty ? .cleared : .shown }
        switch self {
        case .shown, .held: return .held
        case .none, .cleared, .gone: return .none
        }
    }
}
