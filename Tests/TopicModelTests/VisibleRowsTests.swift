import MQTT
import Testing
@testable import TopicModel

@Suite(.timeLimit(.minutes(3))) struct VisibleRowsTests {
    private func sampleModel() -> TopicModel {
        var model = TopicModel()
        for room in ["kitchen", "hall", "bath", "room2", "room10"] {
            for sensor in ["temperature", "humidity"] { model.ingest(msg("home/\(room)/\(sensor)", "20")) }
        }
        model.ingest([msg("garden/rain", "0"), msg("zigbee2mqtt/bridge/state", "online", retain: true)])
        return model
    }

    @Test func collapsedShowsFirstLevelOnly() {
        let model = sampleModel()
        let rows = model.visibleRows(TreeQuery())
        #expect(model.paths(rows) == ["garden", "home", "zigbee2mqtt"])
        #expect(rows.totalRows == 3)
        #expect(rows.rows[1].topicCount == 10)
        #expect(rows.rows[2].retainedCount == 1)
    }

    @Test func expandingShowsChildrenInOrder() {
        let model = sampleModel()
        let expanded: Set<NodeID> = [model.id("home"), model.id("home/room2")]
        let rows = model.visibleRows(TreeQuery(expanded: expanded, limit: 100))
        #expect(model.paths(rows) == ["garden", "home", "home/bath", "home/hall", "home/kitchen", "home/room2",
                                      "home/room2/humidity", "home/room2/temperature", "home/room10", "zigbee2mqtt"])
        #expect(rows.rows.map(\.depth) == [0, 0, 1, 1, 1, 1, 2, 2, 1, 0])
        #expect(rows.rows[6].topic?.primaryValue == 20)
    }

    @Test func expandedNodesUnderACollapsedParentStayHidden() {
        let model = sampleModel()
        let rows = model.visibleRows(TreeQuery(expanded: [model.id("home/room2")], limit: 100))
        #expect(rows.totalRows == 3)
    }

    /// The windowed result equals a slice of the full list, for every window.
    @Test func everyWindowIsASliceOfTheWhole() {
        let model = sampleModel()
        let expanded: Set<NodeID> = [model.id("home"), model.id("home/hall"), model.id("home/room10"),
                                     model.id("zigbee2mqtt"), model.id("zigbee2mqtt/bridge")]
        let whole = model.paths(model.visibleRows(TreeQuery(expanded: expanded, limit: 1000)))
        #expect(whole.count == model.visibleRows(TreeQuery(expanded: expanded)).totalRows)
        for offset in 0...whole.count {
            for limit in [1, 3, 7] {
                let window = model.paths(model.visibleRows(TreeQuery(expanded: expanded, offset: offset, limit: limit)))
                #expect(window == Array(whole[min(offset, whole.count)..<min(offset + limit, whole.count)]))
            }
        }
        for (index, path) in whole.enumerated() {
            #expect(model.rowIndex(of: model.id(path), expanded: expanded) == index)
        }
    }

    @Test func filtersBySubstringAndWildcard() {
        let model = sampleModel()
        let all = model.everything
        let bySubstring = model.visibleRows(TreeQuery(expanded: all, filter: .substring("TEMP"), limit: 100))
        #expect(model.paths(bySubstring).filter { $0.hasSuffix("temperature") }.count == 5)
        #expect(!model.paths(bySubstring).contains("garden"))
        let byWildcard = model.visibleRows(TreeQuery(expanded: all, filter: .wildcard("home/+/humidity"), limit: 100))
        #expect(model.paths(byWildcard).first == "home")
        #expect(model.paths(byWildcard).filter { $0.hasSuffix("humidity") }.count == 5)
    }

    @Test func aFilterKeepsUpWithTopicsThatArriveAfterIt() {
        var model = sampleModel()
        let filter = TopicFilter.wildcard("home/+/humidity")
        // The caller keeps the match counts between frames; they are extended, not recounted.
        var matches: FilterMatches?
        let before = model.visibleRows(TreeQuery(expanded: model.everything, filter: filter, limit: 100), matches: &matches)
        model.ingest([msg("home/attic/humidity", "50"), msg("home/attic/temperature", "12"), msg("shed/humidity", "70")])
        let after = model.visibleRows(TreeQuery(expanded: model.everything, filter: filter, limit: 100), matches: &matches)
        #expect(matches?.matchedTopics == model.topics.count)
        #expect(model.paths(after).filter { $0.hasSuffix("humidity") }.count == model.paths(before).filter { $0.hasSuffix("humidity") }.count + 1)
        #expect(model.paths(after).contains("home/attic/humidity"))
        #expect(!model.paths(after).contains("home/attic/temperature") && !model.paths(after).contains("shed/humidity"))
        // Another filter starts afresh.
        let other = model.visibleRows(TreeQuery(expanded: model.everything, filter: .wildcard("shed/#"), limit: 100), matches: &matches)
        #expect(model.paths(other) == ["shed", "shed/humidity"])
    }

    @Test func searchCountsAndCycles() {
        let model = sampleModel()
        var search = model.search("room")
        // The branches where "room" starts, then the topics below them.
        #expect(search.count == 6)
        #expect(search.next().map { model.path(of: $0) } == "home/room2")
        #expect(search.next().map { model.path(of: $0) } == "home/room2/humidity")
        #expect(search.next().map { model.path(of: $0) } == "home/room2/temperature")
        #expect(search.previous().map { model.path(of: $0) } == "home/room2/humidity")
        #expect(search.previous().map { model.path(of: $0) } == "home/room2")
        #expect(search.previous().map { model.path(of: $0) } == "home/room10/temperature")
        #expect(model.ancestors(of: model.id("home/room10/temperature")).map { model.path(of: $0) } == ["home", "home/room10"])
        #expect(model.search("nothing-here").count == 0)
    }

    @Test func aFilteredBranchCountsItsMatches() {
        var model = TopicModel()
        for room in ["bath", "bed", "hall", "kitchen", "office", "study"] {
            model.ingest(msg("home/\(room)/heater", "OFF", retain: true))
            model.ingest(msg("home/\(room)/light", "ON", retain: true))
        }
        model.ingest(msg("home/study/heater", "ON"))  // live over the retained value: still held
        model.ingest(msg("home/door", "closed", retain: true))
        model.refresh(now: 1_800_000_000)
        let home = model.node(model.id("home"))
        #expect(home.topicCount == 13 && home.retainedCount == 13)
        var matches: FilterMatches?
        let rows = model.visibleRows(TreeQuery(expanded: model.everything, filter: .wildcard("home/+/heater"), limit: 20), matches: &matches)
        let row = rows.rows.first { model.path(of: $0.node) == "home" }
        #expect(row?.topicCount == 6)
        #expect(row?.retainedCount == 6)
        #expect(rows.rows.first { model.path(of: $0.node) == "home/bath" }?.topicCount == 1)
    }
}
