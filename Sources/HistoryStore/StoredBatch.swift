import Foundation
import MQTT
import TopicModel

/// A batch of messages as every store keeps it: each message's row (payload capped, the value
/// of a payload that is one number, its properties less the topic alias), the points of its
/// JSON fields, and the batch's per-minute aggregates, folded in memory so a store upserts
/// one row per (topic, path, minute), not one per point. Its topics are listed once each, and
/// rows point into the list: a store looks each topic up once per batch, not once per row.
///
/// The recording pipeline builds it as messages arrive (`append`), on the reader's side, so
/// the work overlaps the store's writing of the batch before.
public struct StoredBatch: Sendable {
    /// Payloads above this are stored cut (their true size is kept).
    package static let payloadCap = 64 * 1024

    package struct Row: Sendable {
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
        /// The numbers of its JSON fields, in the batch's `points` (empty for a plain number or
        /// a state word): one array for the batch, not one allocation per message.
        package let points: Range<Int>
    }

    package struct MinuteKey: Hashable, Sendable {
        /// An index into `topics`.
        package let topic: Int
        package let path: String
        package let minute: Int64
    }

    package struct MinuteTotals: Sendable {
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
    /// The rows' JSON numbers, each row's a range of them.
    package private(set) var points: [(path: String, value: Double)] = []
    /// Each topic's index in `topics`.
    private var indexes: [String: Int] = [:]
    /// A message's numbers, while it is read (kept to reuse its storage).
    private var numbers: [(path: String, value: Double)] = []

    /// Messages in the batch.
    public var count: Int { rows.count }

    /// An empty batch, with room for `capacity` messages: growing a dictionary rehashes every key.
    public init(capacity: Int = 0) {
        rows.reserveCapacity(capacity)
        indexes.reserveCapacity(capacity)
        minutes.reserveCapacity(capacity)
    }

    public init(_ messages: some Collection<MQTTMessage>) {
        self.init(capacity: messages.count)
        for message in messages { append(message) }
    }

    public mutating func append(_ message: MQTTMessage) {
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
        let first = points.count
        if plain == nil { points += numbers }
        rows.append(Row(topic: topic, time: time, payload: message.payload.prefix(Self.payloadCap), size: message.payload.count,
                        qos: Int(message.qos.rawValue), retain: message.retain, value: plain,
                        properties: Self.kept(message.properties), points: first..<points.count))
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
