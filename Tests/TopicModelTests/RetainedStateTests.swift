import MQTT
import Testing
@testable import TopicModel

/// Retained state, fed as each protocol version delivers messages.
@Suite(.timeLimit(.minutes(3))) struct RetainedStateTests {
    @Test func v311RetainedOnSubscribeThenLiveUpdates() {
        var model = TopicModel()
        // On subscribe the broker sends the retained value with retain=1.
        model.ingest(msg("light/state", "ON", retain: true))
        #expect(model.record("light/state")?.retained == .shown)
        #expect(model.retainedCount == 1)
        // 3.1.1 forwards live messages with retain=0: the retained value is still held.
        model.ingest(msg("light/state", "OFF"))
        #expect(model.record("light/state")?.retained == .held)
        #expect(model.record("light/state")?.heldRetained?.payload == Array("ON".utf8))
        #expect(model.record("light/state")?.last.payload == Array("OFF".utf8))
        #expect(model.retainedCount == 1)
        model.ingest(msg("light/state", "ON"))
        #expect(model.record("light/state")?.retained == .held)
        #expect(model.record("light/state")?.heldRetained?.payload == Array("ON".utf8))
    }

    @Test func v5RetainAsPublishedKeepsTheMarkRight() {
        var model = TopicModel()
        model.ingest(msg("door", "closed", retain: true))
        // Published retained, forwarded live with retain-as-published: still the retained value.
        model.ingest(msg("door", "open", retain: true))
        #expect(model.record("door")?.retained == .shown)
        #expect(model.record("door")?.heldRetained == nil)
        // Published without retain: a live value over a held one.
        model.ingest(msg("door", "ajar"))
        #expect(model.record("door")?.retained == .held)
        #expect(model.record("door")?.heldRetained?.payload == Array("open".utf8))
    }

    @Test func emptyRetainedPayloadClears() {
        var model = TopicModel()
        model.ingest(msg("a/b", "1", retain: true))
        model.ingest(msg("a/b", "", retain: true))
        let record = model.record("a/b")
        #expect(record?.retained == .cleared)
        #expect(record?.last.size == 0)
        #expect(model.retainedCount == 0)
        #expect(model.node(model.id("a")).retainedCount == 0)
        // A live value after a clear holds nothing.
        model.ingest(msg("a/b", "2"))
        #expect(model.record("a/b")?.retained == RetainedState.none)
        // An empty live payload is a value, not a clear.
        model.ingest(msg("a/c", "x", retain: true))
        model.ingest(msg("a/c", ""))
        #expect(model.record("a/c")?.retained == .held)
    }

    @Test func liveOnlyTopicsHoldNothing() {
        var model = TopicModel()
        model.ingest([msg("t", "1"), msg("t", "2")])
        #expect(model.record("t")?.retained == RetainedState.none)
        #expect(model.retainedCount == 0)
    }

    @Test func retainedTopicsUnderANode() {
        var model = TopicModel()
        model.ingest([msg("h/a", "1", retain: true), msg("h/b/c", "2", retain: true), msg("h/d", "3"),
                      msg("g/e", "4", retain: true), msg("h/f", "5", retain: true), msg("h/f", "", retain: true)])
        #expect(model.retainedTopics(under: model.id("h")).map { model.path(of: $0) } == ["h/a", "h/b/c"])
        #expect(model.retainedTopics().count == 3)
    }
}
