import Foundation
import MQTT

/// What a recording holds for one topic: its newest message and its series, to show the past
/// before the broker has said anything.
public struct RecordedHistory: Sendable {
    /// One numeric field: its per-minute aggregates and newest points, oldest first.
    public typealias Field = (path: String, minutes: [TimeSeries.Minute], points: [TimeSeries.Point])

    public var topic: String
    public var last: MQTTMessage
    /// Each numeric field; nil while not read yet (the dashboard reads them as topics come on
    /// screen).
    public var series: [Field]?

    public init(topic: String, last: MQTTMessage, series: [Field]?) {
        self.topic = topic
        self.last = last
        self.series = series
    }
}

extension TopicModel {
    /// Adds recorded topics before live messages arrive: each topic's newest message (as a live
    /// one: the broker says again what it retains) and its series, or a note that they are
    /// still to be read (`historyWanted`). Returns each topic's node.
    @discardableResult
    public mutating func seed(_ recorded: [RecordedHistory]) -> [NodeID] {
        recorded.map { history in
            let last = history.last
            let node = ingest(MQTTMessage(topic: history.topic, payload: last.payload, qos: last.qos, retain: false, receivedAt: last.receivedAt))
            let topic = nodes[Int(node.index)].topic
            if let series = history.series {
                seedSeries(series, topic: topic, node: node)
            } else {
                unreadHistory.insert(topic)
            }
            return node
        }
    }

    /// Whether the recorded series of the topic at `node` are still to be read.
    public func historyWanted(_ node: NodeID) -> Bool {
        !unreadHistory.isEmpty && nodes[Int(node.index)].topic >= 0 && unreadHistory.contains(nodes[Int(node.index)].topic)
    }

    /// Adds the recorded series of `topic`, read after it was seeded. What arrived live since
    /// stays: the recording counts only up to the first live point of each series.
    public mutating func seedSeries(_ series: [RecordedHistory.Field], of topic: String) {
        guard let node = find(topic), nodes[Int(node.index)].topic >= 0 else { return }
        let index = nodes[Int(node.index)].topic
        guard unreadHistory.remove(index) != nil else { return }
        seedSeries(series, topic: index, node: node)
    }

    private mutating func seedSeries(_ series: [RecordedHistory.Field], topic index: Int32, node: NodeID) {
        guard !series.isEmpty else { return }
        let live = topics[Int(index)].series
        var set = SeriesSet()
        for field in series {
            set.seed(field.path, TimeSeries(recordedMinutes: field.minutes, points: field.points, then: live?.series(at: field.path)))
        }
        // Live fields the recording never had keep their own series.
        if let live { for path in live.paths where set.series(at: path) == nil { set.seed(path, live.series(at: path) ?? TimeSeries()) } }
        topics[Int(index)].series = set
        topics[Int(index)].firstNumbers = []
        addToPath(from: node.index, countReadings(index, topic: topicName(of: node), force: true))
    }
}
