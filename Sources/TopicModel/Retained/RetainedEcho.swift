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

/// `RetainedEcho` for a reader without the model: remembers, per topic, a hash of its last
/// retained payload and whether it was heard since the last subscription. One dictionary
/// lookup per message.
public struct RetainedEchoes: Sendable {
    private struct Topic: Sendable {
        /// The subscription it was last heard in.
        var heardIn = -1
        /// A hash of its last payload, while that message was retained.
        var retainedHash: Int?

        /// Notes `message`; returns whether it is an echo (and then leaves the topic as it was).
        mutating func hear(_ message: MQTTMessage, subscription: Int) -> Bool {
            let first = heardIn != subscription
            heardIn = subscription
            // Live messages are most messages: they are not hashed.
            guard message.retain else {
                retainedHash = nil
                return false
            }
            let hash = RetainedEchoes.hash(message.payload)
            if RetainedEcho.isEcho(retain: true, firstSinceSubscribing: first, samePayload: retainedHash == hash) { return true }
            retainedHash = hash
            return false
        }
    }

    private var topics: [String: Topic] = [:]
    /// Counts subscriptions: a topic heard in an earlier one is not heard in this one.
    private var subscription = 0

    /// - Parameter known: the newest message already known of each topic (from the store).
    public init(known: [MQTTMessage] = []) {
        for message in known where message.retain { topics[message.topic] = Topic(retainedHash: Self.hash(message.payload)) }
    }

    /// The client subscribes (again): the broker resends retained values next.
    public mutating func subscribing() {
        subscription += 1
    }

    /// Whether `message` is an echo; otherwise it becomes the topic's last known message.
    public mutating func isEcho(_ message: MQTTMessage) -> Bool {
        topics[message.topic, default: Topic()].hear(message, subscription: subscription)
    }

    fileprivate static func hash(_ payload: [UInt8]) -> Int {
        var hasher = Hasher()
        hasher.combine(payload)
        return hasher.finalize()
    }
}
