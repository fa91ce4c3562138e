import Foundation
import HistoryStore
import MQTT
import TopicModel

/// What a store remembers of the topics a watcher cares about: each one's newest messages,
/// enough to know its last value and learn its cadence before the broker says anything, so a
/// sensor that died before `watch` started is found at once.
public enum RecordedPast {
    /// Messages read per topic: the gaps between them fill the interval estimate.
    public static let messagesPerTopic = IntervalEstimate.capacity + 1

    /// Each of `broker`'s recorded topics `wanted` accepts, its newest messages oldest first (as
    /// live ones: the broker says again what it retains).
    public static func read(from store: any HistoryStorage, broker: String, now: Double,
                            wanted: (String) -> Bool) async throws(StoreFailure) -> [[MQTTMessage]] {
        var topics: [[MQTTMessage]] = []
        for topic in try await store.latest(broker: broker, since: 0) where wanted(topic.topic) {
            let messages = try await store.messages(broker: broker, topic: topic.topic, before: now + 1, limit: messagesPerTopic)
            topics.append(messages.reversed().map {
                MQTTMessage(topic: topic.topic, payload: $0.payload, qos: MQTTQoS(rawValue: UInt8(clamping: $0.qos)) ?? .atMostOnce,
                            retain: false, receivedAt: Date(timeIntervalSince1970: $0.time))
            })
        }
        return topics
    }
}
