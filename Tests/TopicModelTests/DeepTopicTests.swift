import Testing
@testable import TopicModel

/// A topic of 25,000 levels (50 KB, as a broker may accept): every walk keeps its own stack,
/// and nothing costs the square of the depth.
@Suite(.timeLimit(.minutes(3))) struct DeepTopicTests {
    static let depth = 25_000
    static let topic = Array(repeating: "a", count: depth).joined(separator: "/")

    func model() -> TopicModel {
        var model = TopicModel()
        model.ingest(msg(Self.topic, "21.5", retain: true))
        model.ingest(msg("home/t", "20", retain: true))
        model.refresh(now: 1_800_000_000)
        return model
    }

    @Test func searchAndFilterFindIt() throws {
        let model = model()
        let search = model.search("a/a/a")
        // The branch where the text starts (the third level), and the topic.
        #expect(search.count == 2)
        #expect(search.matches.first.map { model.node($0).depth } == 3)
        let leaf = try #require(search.matches.last)
        #expect(model.node(leaf).depth == Self.depth)
        #expect(model.search(.wildcard("a/#"), text: "a/#").count == 1)
        #expect(model.search(.wildcard("home/+"), text: "home/+").count == 1)
    }

    @Test func rowsWithEveryParentOpenAndFiltered() throws {
        let model = model()
        let leaf = try #require(model.search("a/a").matches.last)
        // What a search does: open every parent of the match.
        let expanded = Set(model.ancestors(of: leaf))
        #expect(expanded.count == Self.depth - 1)
        let tail = model.visibleRows(TreeQuery(expanded: expanded, offset: Self.depth - 3, limit: 10))
        #expect(tail.totalRows == Self.depth + 1)
        #expect(tail.rows.map(\.depth) == [Self.depth - 3, Self.depth - 2, Self.depth - 1, 0])
        #expect(model.rowIndex(of: leaf, expanded: expanded) == Self.depth - 1)
        let filtered = model.visibleRows(TreeQuery(expanded: expanded, filter: .wildcard("a/#"), offset: Self.depth - 2, limit: 10))
        #expect(filtered.totalRows == Self.depth)
        #expect(filtered.rows.count == 2)
        #expect(model.retainedTopics().count == 2)
        #expect(model.problems().isEmpty)
    }
}
