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

/// The history table pages back into the store as it is scrolled to its end.
@Suite(.timeLimit(.minutes(1)))
struct OlderMessagesPagingTests {
    static let now = 1_700_000_000.0

    static func recorded(_ count: Int, before: Double) -> [StoredMessage] {
        (1...count).map { StoredMessage(payload: Array("\(1000 - $0)".utf8), size: 3, time: before - Double($0) * 60, qos: .atLeastOnce, retain: false) }
    }

    @Test func theTableReadsOlderPagesAtItsEndUntilTheRecordingStarts() throws {
        let (controller, model) = Self.hallSelected()

        // Three messages fit on screen: the page before the oldest is asked for at once, once.
        let first = controller.makeFrame(model: model, now: Self.now + 10)
        let asked = try #require(first.wantedOlderMessages)
        #expect(asked.topic == "home/hall/temperature" && asked.before == Self.now && asked.id == .max)
        #expect(first.detailLines.last?.text == "  … reading older messages from the store")
        #expect(controller.makeFrame(model: model, now: Self.now + 10).wantedOlderMessages == nil, "one page at a time")

        controller.apply(.olderMessages(asked, messages: Self.recorded(OlderMessages.pageSize, before: Self.now),
                                        cursor: (Self.now - Double(OlderMessages.pageSize) * 60, 42), reachedStart: false))
        var frame = controller.makeFrame(model: model, now: Self.now + 10)
        #expect(frame.wantedOlderMessages == nil, "the table's end is off screen")
        #expect(frame.detailLines.contains { $0.text.contains("history (103)") })
        #expect(frame.detailLines.contains { $0.text.hasSuffix(#"q1   "999""#) }, "the newest recorded message, after the model's")

        // Scrolled to the end: the next page, older than the last one shown.
        _ = controller.handle(.tab, model: model)
        for _ in 0..<10 { _ = controller.handle(.pageDown, model: model) }
        frame = controller.makeFrame(model: model, now: Self.now + 10)
        let next = try #require(frame.wantedOlderMessages)
        #expect(next.before == Self.now - Double(OlderMessages.pageSize) * 60 && next.id == 42)
        controller.apply(.olderMessages(next, messages: [], cursor: nil, reachedStart: true))
        frame = controller.makeFrame(model: model, now: Self.now + 10)
        #expect(frame.wantedOlderMessages == nil)
        #expect(frame.detailLines.last?.text == "  the recording starts here")
    }

    /// A controller with a store, the hall's three readings, and the hall selected.
    static func hallSelected() -> (DashboardController, TopicModel) {
        var model = TopicModel()
        for step in 0..<3 { model.ingest(Fixture.message("home/hall/temperature", "2\(step)", at: Self.now + Double(step))) }
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        controller.readsHistoryStore = true
        _ = Fixture.type("/hall/temperature", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        return (controller, model)
    }

    @Test func aReplyForATableSinceLeftIsDropped() throws {
        var (controller, model) = Self.hallSelected()
        model.ingest(Fixture.message("home/kitchen/temperature", "19", at: Self.now))
        let stale = try #require(controller.makeFrame(model: model, now: Self.now + 10).wantedOlderMessages)
        // Away to the kitchen and back: the hall's table is read anew, and the old reply is not added to it.
        _ = Fixture.type("/kitchen/temperature", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        _ = controller.makeFrame(model: model, now: Self.now + 10)
        _ = Fixture.type("/hall/temperature", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let fresh = try #require(controller.makeFrame(model: model, now: Self.now + 10).wantedOlderMessages)
        controller.apply(.olderMessages(stale, messages: Self.recorded(5, before: Self.now), cursor: (0, 1), reachedStart: true))
        controller.apply(.olderMessages(fresh, messages: Self.recorded(5, before: Self.now), cursor: (0, 1), reachedStart: true))
        let frame = controller.makeFrame(model: model, now: Self.now + 10)
        #expect(frame.detailLines.contains { $0.text.contains("history (8)") }, "\(frame.detailLines.map(\.text))")
        // The header's count says what the table adds from the recording.
        #expect(frame.detailLines.contains { $0.text.contains("3 messages (+5 recorded, below)") }, "\(frame.detailLines.map(\.text))")
    }

    @Test func whatTheModelDropsWhilePagesAreShownStaysInTheTable() throws {
        let (controller, _) = Self.hallSelected()
        // A model that keeps only the three newest messages of a topic (the last and two older).
        var limits = TopicModel.Limits()
        limits.historyCount = 2
        var model = TopicModel(limits: limits)
        for step in 0..<3 { model.ingest(Fixture.message("home/hall/temperature", "2\(step)", at: Self.now + Double(step))) }
        let asked = try #require(controller.makeFrame(model: model, now: Self.now + 10).wantedOlderMessages)
        controller.apply(.olderMessages(asked, messages: Self.recorded(3, before: Self.now), cursor: (0, 1), reachedStart: true))
        _ = controller.makeFrame(model: model, now: Self.now + 10)
        // Two more readings push the two oldest out of the model: the table keeps them.
        model.ingest(Fixture.message("home/hall/temperature", "23", at: Self.now + 3))
        model.ingest(Fixture.message("home/hall/temperature", "24", at: Self.now + 4))
        let frame = controller.makeFrame(model: model, now: Self.now + 10)
        let table = frame.detailLines.map(\.text).drop { !$0.contains("── history") }.dropFirst()
        #expect(table.compactMap { $0.split(separator: "\"").dropFirst().first.map(String.init) } == ["24", "23", "22", "21", "20", "999", "998", "997"],
                "\(Array(table))")
    }

    @Test func aPageThatCannotBeReadEndsTheTableWithTheReason() throws {
        let (controller, model) = Self.hallSelected()
        let asked = try #require(controller.makeFrame(model: model, now: Self.now + 10).wantedOlderMessages)
        controller.apply(.historyFailed("a series read failed"))
        #expect(controller.makeFrame(model: model, now: Self.now + 10).detailLines.last?.text == "  … reading older messages from the store",
                "another read's failure does not end this table")
        controller.apply(.olderMessagesFailed(asked, reason: "cannot open the history store x: disk I/O error"))
        let frame = controller.makeFrame(model: model, now: Self.now + 10)
        #expect(frame.wantedOlderMessages == nil && frame.detailLines.last?.text == "  the recording starts here")
        #expect(controller.state.status?.text == "cannot open the history store x: disk I/O error")
    }

    @Test func withoutAStoreTheTableIsTheModelsOwn() {
        var model = TopicModel()
        model.ingest(Fixture.message("home/hall/temperature", "21", at: Self.now))
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.type("/hall/temperature", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let frame = controller.makeFrame(model: model, now: Self.now + 10)
        #expect(frame.wantedOlderMessages == nil)
        #expect(frame.detailLines.contains { $0.text.contains("history (1)") })
    }
}
