/// Why a topic name or a topic filter is not valid (MQTT 4.7).
public enum MQTTTopicProblem: Error, Sendable, Hashable, CustomStringConvertible {
    /// The name or filter has no characters at all.
    case empty
    /// Longer than 65,535 UTF-8 bytes.
    case tooLong
    /// A topic name (not a filter) holds `+` or `#`.
    case wildcardInName
    /// Holds U+0000, which no MQTT string may contain.
    case containsNUL
    /// A control character (U+0001–U+001F, U+007F–U+009F) or a non-character, which brokers refuse; see `MQTTTopic.sendingProblem`.
    case controlCharacter
    /// A filter's `+` shares its level with other characters.
    case plusNotAWholeLevel
    /// A filter's `#` is not a whole level at the end.
    case hashNotLast

    /// The problem in words, to follow a prefix such as "invalid topic 'x': ".
    public var description: String {
        switch self {
        case .empty: return "empty"
        case .tooLong: return "longer than 65535 bytes"
        case .wildcardInName: return "wildcards (+ and #) are not allowed in a topic name"
        case .containsNUL: return "contains U+0000"
        case .controlCharacter: return "contains a control character or non-character, which brokers refuse"
        case .plusNotAWholeLevel: return "'+' must fill a whole level"
        case .hashNotLast: return "'#' must be the last level on its own"
        }
    }
}
