/// When a rule's topic is in trouble.
public enum RuleCondition: Sendable, Equatable {
    /// Silent for longer than its learned cadence allows (the dashboard's stale).
    case stale
    /// Silent for this many seconds of connected time.
    case silent(Double)
    /// An availability topic (Tasmota LWT, zigbee2mqtt availability, a discovery config's
    /// availability) says its device is offline.
    case offline
    /// The broker lost the topic's retained value (not sent again after a reconnect).
    case gone
    /// The value is above the limit; once firing, it resolves at or below `clearAt`.
    case above(Double, clearAt: Double)
    /// The value is below the limit; once firing, it resolves at or above `clearAt`.
    case below(Double, clearAt: Double)
    /// The value changed: an event, not a state. Each change fires; nothing stays firing.
    case changed
    /// The value is exactly this text.
    case equals(String)

    /// The key that names it in `config.toml`.
    public var key: String {
        switch self {
        case .stale: return "stale"
        case .silent: return "silent"
        case .offline: return "offline"
        case .gone: return "gone"
        case .above: return "above"
        case .below: return "below"
        case .changed: return "changed"
        case .equals: return "equals"
        }
    }

    /// Whether it is about time passing (a silence) rather than what a message says: one look
    /// without the past cannot know it.
    public var isSilence: Bool {
        switch self {
        case .stale, .silent: return true
        default: return false
        }
    }

    /// The keys that state a condition, as `config.toml` spells them.
    public static let keys = ["stale", "silent", "offline", "gone", "above", "below", "changed", "equals"]
}
