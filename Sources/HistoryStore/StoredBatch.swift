import MQTT
import TopicModel

/// A batch of messages as every store keeps it: each message's row (payload capped, the value
/// of a payload that is one number, its properties less the topic alias), the points of its
/// JSON fields, and the batch's per-minute aggregates, folded in memory so a store upserts
/// one row per (topic, path, minute), not one per point.
package struct StoredBatch {
    /// Payloads above this are stored cut (their true size is kept).
    package static let payloadCap = 64 * 1024

    package struct Row {
        package let topic: String
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
        package let topic: String
        package let path: String
        package let minute: Int64
    }

    package struct MinuteTotals {
        package var min = Double.infinity, max = -Double.infinity, sum = 0.0, count = 0

        package mutating func add(_ value: Double) {
            min = Swift.min(min, value)
            max = Swift.max(max, value)
            sum += value
            count += 1
        }
    }

    package private(set) var rows: [Row] = []
    package private(set) var minutes: [MinuteKey: MinuteTotals] = [:]

    package init(_ messages: [MQTTMessage]) {
        rows.reserveCapacity(messages.count)
        var numbers: [(path: String, value: Double)] = []
        for message in messages {
            let time = message.receivedAt.timeIntervalSince1970
            // A state word (ON, closed) is a state, not a reading: kept as a message only.
            numbers.removeAll(keepingCapacity: true)
            if !NumberExtractor.isStateWord(message.payload) {
                NumberExtractor.numbers(in: message.payload, into: &numbers)
            }
            let plain = numbers.count == 1 && numbers[0].path.isEmpty ? numbers[0].value : nil
            let minute = Int64((time / 60).rounded(.down))
            for (path, value) in numbers {
                minutes[MinuteKey(topic: message.topic, path: path, minute: minute), default: MinuteTotals()].add(value)
            }
            rows.append(Row(topic: message.topic, time: time, payload: message.payload.prefix(Self.payloadCap), size: message.payload.count,
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
