/// Validation and matching of topic names and topic filters (MQTT 4.7).
///
/// ```swift
/// MQTTTopic.matches(filter: "home/+/temperature", topic: "home/kitchen/temperature") // true
/// MQTTTopic.matches(filter: "#", topic: "$SYS/broker/uptime")                        // false
/// ```
public enum MQTTTopic {
    /// The longest name or filter, in UTF-8 bytes [MQTT-4.7.3-3].
    public static let maximumLength = 65_535

    /// Why a topic name is not valid for PUBLISH, or nil when it is.
    ///
    /// - Parameter topic: the topic name to check.
    public static func nameProblem(_ topic: String) -> MQTTTopicProblem? {
        let utf8 = topic.utf8
        if utf8.isEmpty { return .empty }
        if utf8.count > maximumLength { return .tooLong }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "#"): return .wildcardInName
            case 0: return .containsNUL
            default: continue
            }
        }
        return nil
    }

    /// Why this client will not send `topic` as a topic name (a PUBLISH, a will), or nil.
    ///
    /// Besides `nameProblem`, a control character (U+0001–U+001F, U+007F–U+009F) or a
    /// non-character: the spec lets
    /// a receiver treat it as a malformed packet (§1.5.4), and mosquitto does, closing the
    /// connection, so a QoS 0 message would be lost without a word. Received topics stay
    /// accepted; they are escaped wherever they are shown.
    public static func sendingProblem(_ topic: String) -> MQTTTopicProblem? {
        if let problem = nameProblem(topic) { return problem }
        // Non-characters (U+FDD0–U+FDEF, U+xFFFE, U+xFFFF) too, as mosquitto refuses them.
        let refused = topic.unicodeScalars.contains { scalar in
            let value = scalar.value
            return value < 0x20 || (0x7F...0x9F).contains(value) || (0xFDD0...0xFDEF).contains(value) || value & 0xFFFE == 0xFFFE
        }
        return refused ? .controlCharacter : nil
    }

    /// Why a filter is not a valid subscription filter, or nil when it is.
    ///
    /// - Parameter filter: the filter to check.
    public static func filterProblem(_ filter: String) -> MQTTTopicProblem? {
        let utf8 = Array(filter.utf8)
        if utf8.isEmpty { return .empty }
        if utf8.count > maximumLength { return .tooLong }
        for (index, byte) in utf8.enumerated() {
            let levelStart = index == 0 || utf8[index - 1] == UInt8(ascii: "/")
            let levelEnd = index == utf8.count - 1 || utf8[index + 1] == UInt8(ascii: "/")
            switch byte {
            case 0:
                return .containsNUL
            case UInt8(ascii: "+"):
                if !(levelStart && levelEnd) { return .plusNotAWholeLevel }
            case UInt8(ascii: "#"):
                if !(levelStart && index == utf8.count - 1) { return .hashNotLast }
            default:
                continue
            }
        }
        return nil
    }

    /// How many levels a topic name or filter has (`a/b/c`: 3; `a/`: 2).
    public static func levelCount(_ name: String) -> Int {
        name.utf8.count { $0 == UInt8(ascii: "/") } + 1
    }

    /// Whether every topic `inner` matches, `outer` matches too (`a/#` covers `a/+/b`): a client
    /// subscribing to both would receive such messages twice.
    public static func covers(_ outer: String, _ inner: String) -> Bool {
        let outerLevels = outer.split(separator: "/", omittingEmptySubsequences: false)
        let innerLevels = inner.split(separator: "/", omittingEmptySubsequences: false)
        // The `$` rule: a leading wildcard does not cover `$SYS/…`.
        if let first = outerLevels.first, first == "+" || first == "#", innerLevels.first?.hasPrefix("$") == true { return false }
        for (index, level) in outerLevels.enumerated() {
            if level == "#" { return true }
            guard index < innerLevels.count, innerLevels[index] != "#" else { return false }
            if level != "+", level != innerLevels[index] { return false }
        }
        return outerLevels.count == innerLevels.count
    }

    /// `filters` less those another one covers (each once): a subscription receives each
    /// message once.
    public static func withoutCovered(_ filters: [String]) -> [String] {
        var kept: [String] = []
        for filter in filters where !kept.contains(filter) && !filters.contains(where: { $0 != filter && covers($0, filter) }) {
            kept.append(filter)
        }
        return kept
    }

    /// Whether a filter matches a topic name, with the `$` rule [MQTT-4.7.2-1].
    ///
    /// - Parameters:
    ///   - filter: a valid filter (see `filterProblem`).
    ///   - topic: a topic name.
    public static func matches(filter: String, topic: String) -> Bool {
        var filterLevels = filter.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)[...]
        var topicLevels = topic.utf8.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: false)[...]
        if topic.utf8.first == UInt8(ascii: "$"), let first = filterLevels.first,
           first.elementsEqual("+".utf8) || first.elementsEqual("#".utf8) {
            return false
        }
        while let level = filterLevels.popFirst() {
            if level.elementsEqual("#".utf8) { return true }
            guard let name = topicLevels.popFirst() else { return false }
            if level.elementsEqual("+".utf8) { continue }
            if !level.elementsEqual(name) { return false }
        }
        return topicLevels.isEmpty
    }
}
