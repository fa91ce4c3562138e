@testable import Dashboard
import Foundation
import MQTT
import Testing
import TopicModel

/// A dashboard on a recording asks for the past of what it draws, not of the whole store.
@Suite(.timeLimit(.minutes(1)))
struct RecordedHistoryViewTests {
    @Test func aFrameWantsTheRecordedPastOfTheTopicsOnScreenOnly() throws {
        var model = TopicModel()
        let now = 1_700_000_000.0
        // 500 recorded sensors whose series are unread, in one flat branch (all rows expand).
        model.seed((0..<500).map { index in
            let topic = "home/sensor\(String(format: "%03d", index))/temperature"
            return RecordedHistory(topic: topic, last: Fixture.message(topic, "21.5", at: now), series: nil)
        })
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let first = controller.makeFrame(model: model, now: now)
        let drawn = Set(first.rows.compactMap { $0.tree.topic == nil ? nil : model.path(of: $0.tree.node) })
        let overview = Set(first.overview?.lines.compactMap { line -> String? in
            guard case let .series(series) = line.row else { return nil }
            return model.path(of: series.topic.node)
        } ?? [])
        #expect(!first.wantedHistory.isEmpty && first.wantedHistory.count <= 80, "about two panes of rows, not 500")
        #expect(Set(first.wantedHistory) == drawn.union(overview))

        // Read in: no longer wanted; the next frame asks for nothing it already has.
        for topic in first.wantedHistory {
            model.seedSeries([(path: "", minutes: [], points: [.init(time: now - 10, value: 21), .init(time: now, value: 21.5)])], of: topic)
        }
        #expect(controller.makeFrame(model: model, now: now).wantedHistory.isEmpty)
        let read = try #require(first.wantedHistory.first)
        #expect(model.topic(at: try #require(model.find(read)))?.series?.series(at: "")?.count == 2)
    }
}
