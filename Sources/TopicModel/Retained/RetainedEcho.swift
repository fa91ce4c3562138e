import MQTT

/// The one rule for "the broker resent a retained value": after a (re)subscription the broker
/// sends every retained value again, and one that did not change is the same message, not a
/// new one. The model (which then confirms the topic and counts nothing) and the recording
/// pipeline (which then writes nothing) both ask `isEcho`.
public enum RetainedEcho {
    /// Whether a message is such an echo: retained, the first of its topic since subscribing,
    /// and the same payload as the retained value already known for the topic.
    ///
    /// - Parameter samePayload: evaluated only when the other two hold.
    public static func isEcho(retain: Bool, firstSinceSubscribing: Bool, samePayload: @autoclosure () -> Bool) -> Bool {
        retain && firstSinceSubscribing && samePayload()
    }
}

/// `RetainedEcho` for a reader without the model: remembers a hash of each topic's last
/// retained payload, and which topics were heard since the last subscription.
public struct RetainedEchoes: Sendable {
    /// A hash of each topic's last payload, while that message was retained.
    private var lastRetained: [String: Int] = [:]
    /// Topics heard since the last subscription.
    private var heard: Set<String> = []

    /// - Parameter known: the newest message already known of each topic (from the store).
    public init(known: [MQTTMessage] = []) {
        for message in known where message.retain { lastRetained[message.topic] = Self.hash(message.payload) }
    }

    /// The client subscribes (again): the broker resends retained values next.
    public mutating func subscribing() {
        heard.removeAll()
    }

    /// Whether `message` is an echo; otherwise it becomes the topic's last known message.
    public mutating func isEcho(_ message: MQTTMessage) -> Bool {
        let first = heard.insert(message.topic).inserted
        // Live messages are most messages: they are not hashed.
        guard message.retain else {
            lastRetained[message.topic] = nil
            return false
        }
        let hash = Self.hash(message.payload)
        if RetainedEcho.isEcho(retain: message.retain, firstSinceSubscribing: first, samePayload: lastRetained[message.topic] == hash) {
            return true
        }
        lastRetained[message.topic] = hash
        return false
    }

    private static func hash(_ payload: [UInt8]) -> Int {
        var hasher = Hasher()
        hasher.combine(payload)
        return hasher.finalize()
    }
}
