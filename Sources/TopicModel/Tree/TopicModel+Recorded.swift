import Foundation
import MQTT

/// What a recording holds for one topic: its newest message and its series, to show the past
/// before the broker has said anything.
public struct RecordedHistory: Sendable {
    public var topic: String
    public var last: MQTTMessage
    /// Each numeric field with its per-minute aggregates and newest points, oldest first.
    public var series: [(path: String, minutes: [TimeSeries.Minute], points: [TimeSeries.Point])]

    public init(topic: String, last: MQTTMessage, series: [(path: String, minutes: [TimeSeries.Minute], points: [TimeSeries.Point])]) {
        self.topic = topic
        self.last = last
        self.series = series
    }
}

extension TopicModel {
    /// Adds recorded topics before live messages arrive: each topic's newest message (as a live
    /// one: the broker says again what it retains) and its series.
    public mutating func seed(_ recorded: [RecordedHistory]) {
        for history in recorded {
            let last = history.last
            ingest(MQTTMessage(topic: history.topic, payload: last.payload, qos: last.qos, retain: false, receivedAt: last.receivedAt))
            guard !history.series.isEmpty, let node = find(history.topic), nodes[Int(node.index)].topic >= 0 else { continue }
            let index = nodes[Int(node.index)].topic
            var set = SeriesSet()
            for field in history.series { set.seed(field.path, TimeSeries(recordedMinutes: field.minutes, points: field.points)) }
            topics[Int(index)].series = set
            topics[Int(index)].firstNumbers = []
            let (fields, temperatures) = countFields(index, topic: history.topic, force: true)
            if fields != 0 { addToPath(from: node.index, \.seriesCount, fields) }
            if temperatures != 0 { addToPath(from: node.index, \.temperatureCount, temperatures) }
        }
    }
}
