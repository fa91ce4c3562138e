/// Validation and matching of topic names and topic filters (MQTT 4.7).
///
/// ```swift
/// MQTTTopic.matches(filter: "home/+/temperature", topic: "home/kitchen/temperature") // true
/// MQTTTopic.matches(filter: "#", topic: "$SYS/broker/uptime")                        // false
/// ```
public enum MQTTTopic {
    /// The longest name or filter, in UTF-8 bytes [MQTT-4.7.3-3].
    public static let maximumLength = 65_535

    /// Why a name or filter is rejected, or nil when it is valid for PUBLISH.
    public static func nameProblem(_ topic: String) -> String? {
        let utf8 = topic.utf8
        if utf8.isEmpty { return "topic is empty" }
        if utf8.count > maximumLength { return "topic is longer than 65535 bytes" }
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "+"), UInt8(ascii: "#"): return "wildcards are not allowed in a topic name"
            case 0: return "topic contains U+0000"
            default: continue
            }
        }
        return nil
    }

    /// Why a filter is rejected, or nil when it is a valid subscription filter.
    public static func filterProblem(_ filter: String) -> String? {
        let utf8 = Array(filter.utf8)
        if utf8.isEmpty { return "filter is empty" }
        if utf8.count > maximumLength { return "filter is longer than 65535 bytes" }
        for (index, byte) in utf8.enumerated() {
            let levelStart = index == 0 || utf8[index - 1] == UInt8(ascii: "/")
            let levelEnd = index == utf8.count - 1 || utf8[index + 1] == UInt8(ascii: "/")
            switch byte {
            case 0:
                return "filter contains U+0000"
            case UInt8(ascii: "+"):
                if !(levelStart && levelEnd) { return "'+' must fill a whole level" }
            case UInt8(ascii: "#"):
                if !(levelStart && index == utf8.count - 1) { return "'#' must be the last level on its own" }
            default:
                continue
            }
        }
        return nil
    }

    /// Whether `filter` (assumed valid) matches the topic name `topic`, with the `$` rule [MQTT-4.7.2-1].
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
