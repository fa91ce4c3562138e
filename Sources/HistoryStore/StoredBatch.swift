import Foundation
import MQTT
import TopicModel

/// A batch of messages as every store keeps it: each message's row (payload capped, the value
/// of a payload that is one number, its properties less the topic alias), the points of its
/// JSON fields, and the batch's per-minute aggregates, folded in memory so a store upserts
/// one row per (topic, path, minute), not one per point. Its topics are listed once each, and
/// rows point into the list: a store looks each topic up once per batch, not once per row.
package struct StoredBatch {
    /// Payloads above this are stored cut (their true size is kept).
    package static let payloadCap = 64 * 1024

    package struct Row {
        /// Its topic: an index into `topics`.
        package let topic: Int
        package let time: Double
        package let payload: ArraySlice<UInt8>
        package let size: Int
        package let qos: Int
        package let retain: Bool
        /// The value of a payload that reads as one number: the series at path "" lives here.
        package let value: Double?
        /// MQTT's encoding of the properties kept; nil when there are none.
        package let properties: [UInt8]?
        /// The numbers of its JSON fields (empty for a plain number or a state word).
        package let points: [(path: String, value: Double)]
    }

    package struct MinuteKey: Hashable {
        /// An index into `topics`.
        package let topic: Int
        package let path: String
        package let minute: Int64
    }

    package struct MinuteTotals {
        package var min = Double.infinity, max = -Double.infinity, sum = 0.0, count = 0

        package init() {}

        package mutating func add(_ value: Double) {
            min = Swift.min(min, value)
            max = Swift.max(max, value)
            sum += value
            count += 1
        }

        package mutating func merge(_ other: MinuteTotals) {
            min = Swift.min(min, other.min)
            max = Swift.max(max, other.max)
            sum += other.sum
            count += other.count
        }
    }

    /// The batch's topics, each once, in the order they first came.
    package private(set) var topics: [String] = []
    package private(set) var rows: [Row] = []
    package private(set) var minutes: [MinuteKey: MinuteTotals] = [:]

    package init(_ messages: [MQTTMessage]) {
        rows.reserveCapacity(messages.count)
        var numbers: [(path: String, value: Double)] = []
        // Sized for the batch at once: growing a dictionary rehashes every key.
        var indexes: [String: Int] = [:]
        indexes.reserveCapacity(messages.count)
        minutes.reserveCapacity(messages.count)
        for message in messages {
            let topic: Int
            if let known = indexes[message.topic] {
                topic = known
            } else {
                topic = topics.count
                indexes[message.topic] = topic
                topics.append(message.topic)
            }
            let time = message.receivedAt.timeIntervalSince1970
            // A state word (ON, closed) is a state, not a reading: kept as a message only.
            numbers.removeAll(keepingCapacity: true)
            if !NumberExtractor.isStateWord(message.payload) {
                NumberExtractor.numbers(in: message.payload, into: &numbers)
            }
            let plain = numbers.count == 1 && numbers[0].path.isEmpty ? numbers[0].value : nil
            let minute = Int64((time / 60).rounded(.down))
            // A JSON key may hold U+0000 (`\u0000`), which no database text takes: it reads as U+FFFD.
            for index in numbers.indices where numbers[index].path.utf8.contains(0) {
                numbers[index].path = numbers[index].path.replacingOccurrences(of: "\u{0}", with: "\u{FFFD}")
            }
            for (path, value) in numbers {
                minutes[MinuteKey(topic: topic, path: path, minute: minute), default: MinuteTotals()].add(value)
            }
            rows.append(Row(topic: topic, time: time, payload: message.payload.prefix(Self.payloadCap), size: message.payload.count,
                            qos: Int(message.qos.rawValue), retain: message.retain, value: plain,
                            properties: Self.kept(message.properties), points: plain == nil ? numbers : []))
        }
    }

    /// A message's v5 properties as kept: MQTT's encoding, less the topic alias (which means
    /// something only on the connection it came on); nil when there are none.
    private static func kept(_ properties: MQTTProperties) -> [UInt8]? {
        guard !properties.isEmpty else { return nil }
        var kept = properties
        kept.remove(.topicAlias)
        return kept.isEmpty ? nil : kept.wireBytes
    }
}
