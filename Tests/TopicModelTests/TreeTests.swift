import MQTT
import Testing
@testable import TopicModel

@Suite(.timeLimit(.minutes(3))) struct TreeTests {
    @Test func levelsEmptyLevelsAndSysTopicsAreKeptAsTheyAre() {
        var model = TopicModel()
        model.ingest([msg("home/kitchen/temperature", "21"), msg("a//b", "x"), msg("/leading", "y"),
                      msg("$SYS/broker/uptime", "5"), msg("trailing/", "z")])
        #expect(model.children(of: .root).map { model.node($0).name } == ["", "$SYS", "a", "home", "trailing"])
        #expect(model.find("a//b") != nil)
        #expect(model.node(model.id("a/")).name == "")
        #expect(model.path(of: model.id("/leading")) == "/leading")
        #expect(model.path(of: model.id("trailing/")) == "trailing/")
        #expect(model.topicCount == 5)
    }

    @Test func childrenAreInNaturalOrderAndStayStable() {
        var model = TopicModel()
        for room in ["room10", "room2", "Room1", "room1", "room02b", "kitchen"] { model.ingest(msg("h/\(room)", "1")) }
        let names = { model.children(of: model.id("h")).map { model.node($0).name } }
        #expect(names() == ["kitchen", "Room1", "room1", "room2", "room02b", "room10"])
        model.ingest(msg("h/room3", "1"))
        #expect(names() == ["kitchen", "Room1", "room1", "room2", "room02b", "room3", "room10"])
        #expect(NaturalOrder.less("room2", "room10"))
        #expect(!NaturalOrder.less("room10", "room2"))
    }

    @Test func countsAreKeptPerSubtree() {
        var model = TopicModel()
        model.ingest([msg("home/kitchen/temp", "21", retain: true, at: 10), msg("home/kitchen/temp", "22", at: 20),
                      msg("home/hall/door", "closed", retain: true, at: 15), msg("garden/rain", "0", at: 30)])
        let home = model.node(model.id("home"))
        #expect(home.topicCount == 2)
        #expect(home.messageCount == 3)
        #expect(home.retainedCount == 2)
        #expect(home.newest == 20)
        #expect(model.node(.root).messageCount == 4)
        #expect(model.retainedCount == 2)
        #expect(model.record("home/kitchen/temp")?.messageCount == 2)
        #expect(model.record("home/kitchen/temp")?.firstSeen == 10)
        // A topic that is also a parent.
        model.ingest(msg("home", "root value"))
        #expect(model.node(model.id("home")).topicCount == 3)
        #expect(model.node(model.id("home")).isTopic)
    }

    @Test func trafficCountsTheLastTenSecondsAndTheLastMinuteOnTopicsAndBranches() {
        var model = TopicModel()
        for second in 0..<20 { model.ingest(msg("a/r", "12", at: 1000 + Double(second))) }
        for node in [model.id("a/r"), model.id("a"), NodeID.root] {
            let traffic = model.node(node).traffic
            // A steady message a second: the previous bucket's share covers the rest of the window.
            #expect(abs(traffic.messageRate(now: 1019.5) - 1.05) < 1e-9)
            #expect(traffic.messageRate(now: 1025) == 0.5)
            #expect(traffic.byteRate(now: 1025) == 1.0)
            #expect(abs(traffic.messageRate(.long, now: 1019.5) - 20.0 / 60) < 1e-9)
            #expect(traffic.messageRate(now: 2000) == 0)
            #expect(traffic.messageRate(.long, now: 2000) == 0)
        }
    }
}

/// Child order: new children wait unsorted until `refresh` merges them, and queries see them in
/// natural order either way.
@Suite(.timeLimit(.minutes(3))) struct ChildOrderTests {
    @Test func refreshSettlesEveryChildList() {
        var model = TopicModel()
        for name in ["room10", "room2", "room1", "attic"] { model.ingest(msg("home/\(name)/t", "1")) }
        model.ingest(msg("home/room3/t", "1"))
        #expect(model.children(of: model.id("home")).map { model.node($0).name } == ["attic", "room1", "room2", "room3", "room10"])
        #expect(model.childLists.contains { !$0.isSettled })
        model.refresh(now: 1_800_000_000)
        #expect(model.childLists.allSatisfy { $0.isSettled })
        #expect(model.children(of: model.id("home")).map { model.node($0).name } == ["attic", "room1", "room2", "room3", "room10"])
    }
}
