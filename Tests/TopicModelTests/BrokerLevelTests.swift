import MQTT
import Testing
@testable import TopicModel

/// Several brokers in one tree: each is a first-level node, and each keeps its own liveness.
@Suite(.timeLimit(.minutes(3))) struct BrokerLevelTests {
    let start = 1_800_000_000.0

    @Test func eachBrokerIsAFirstLevelNodeFromTheStartAndItsTopicsHangBelowIt() throws {
        var model = TopicModel(brokers: ["home", "cabin"])
        #expect(model.hasBrokerLevel)
        #expect(model.children(of: .root).map(model.path(of:)) == ["cabin", "home"])
        model.ingest(msg("zigbee2mqtt/lamp", "ON"), broker: 0)
        model.ingest(msg("zigbee2mqtt/lamp", "OFF"), broker: 1)
        let home = model.id("home/zigbee2mqtt/lamp"), cabin = model.id("cabin/zigbee2mqtt/lamp")
        #expect(home != cabin)
        #expect(model.topicName(of: home) == "zigbee2mqtt/lamp")
        #expect(model.broker(of: home) == 0)
        #expect(model.broker(of: cabin) == 1)
        #expect(model.broker(of: model.root(ofBroker: 1)) == 1)
        #expect(model.broker(of: .root) == nil)
        #expect(model.topicName(of: model.root(ofBroker: 0)).isEmpty)
        #expect(model.topicCount == 2)
        #expect(model.node(model.root(ofBroker: 0)).topicCount == 1)
        // Rows: the brokers at depth 0, their topics below.
        let rows = model.visibleRows(TreeQuery(expanded: model.everything))
        #expect(model.paths(rows) == ["cabin", "cabin/zigbee2mqtt", "cabin/zigbee2mqtt/lamp",
                                      "home", "home/zigbee2mqtt", "home/zigbee2mqtt/lamp"])
        #expect(rows.rows.map(\.depth) == [0, 1, 2, 0, 1, 2])
        // The conventions read the topic's own name: each lamp's state is its own.
        #expect(model.state(of: home)?.word == "ON")
        #expect(model.state(of: cabin)?.word == "OFF")
    }

    @Test func oneBrokerNameIsOneBrokersTreeAsBefore() {
        var model = TopicModel(brokers: ["home"])
        #expect(!model.hasBrokerLevel)
        model.ingest(msg("a/b", "1"))
        #expect(model.path(of: model.id("a/b")) == "a/b")
        #expect(model.topicName(of: model.id("a/b")) == "a/b")
        #expect(model.broker(of: model.id("a/b")) == 0)
    }

    @Test func aFilterIsAnMQTTFilterWithinEachBroker() {
        var model = TopicModel(brokers: ["home", "cabin"])
        model.ingest(msg("sensors/t", "1"), broker: 0)
        model.ingest(msg("sensors/t", "2"), broker: 1)
        model.ingest(msg("other/t", "3"), broker: 1)
        let rows = model.visibleRows(TreeQuery(expanded: model.everything, filter: .wildcard("sensors/#")))
        #expect(model.paths(rows) == ["cabin", "cabin/sensors", "cabin/sensors/t", "home", "home/sensors", "home/sensors/t"])
    }

    @Test func aBrokerThatIsDownStopsItsOwnStalenessClockOnly() {
        var model = TopicModel(brokers: ["home", "cabin"])
        for index in 0..<5 {
            model.ingest(msg("t", "1", at: start + Double(index) * 10), broker: 0)
            model.ingest(msg("t", "1", at: start + Double(index) * 10), broker: 1)
        }
        // The cabin drops at once; its 70 s threshold never passes while it is down.
        let error = MQTTClientError.unknownHost("cabin.lan")
        model.follow(.connectionState(.reconnecting(delay: .seconds(5), attempt: 1, lastError: error)), at: start + 41, broker: 1)
        model.refresh(now: start + 200)
        #expect(model.record("home/t")?.liveness.isStale == true)
        #expect(model.record("cabin/t")?.liveness.isStale == false)
        #expect(!model.clock(ofBroker: 1).isConnected)
        #expect(model.clock(ofBroker: 0).isConnected)
        #expect(model.node(model.root(ofBroker: 0)).staleCount == 1)
        #expect(model.node(model.root(ofBroker: 1)).staleCount == 0)
        // Back: its clock counts from where it stopped.
        model.connectionRestored(at: start + 300, broker: 1)
        #expect(model.silence(of: model.record("cabin/t")!, now: start + 300) == 1)
    }

    @Test func aStaleTopicUnderABrokerThatDropsIsUnreachableThenStaleAgainWhenItIsBack() throws {
        var model = TopicModel(brokers: ["home", "cabin"])
        for index in 0..<5 { model.ingest(msg("t", "1", at: start + Double(index) * 10), broker: 1) }
        model.refresh(now: start + 200)
        #expect(model.record("cabin/t")?.liveness.isStale == true)
        #expect(model.staleCount == 1)
        let error = MQTTClientError.unknownHost("cabin.lan")
        model.follow(.connectionState(.reconnecting(delay: .seconds(5), attempt: 1, lastError: error)), at: start + 210, broker: 1)
        #expect(model.record("cabin/t")?.liveness.isStale == false)
        #expect(model.staleCount == 0)
        model.refresh(now: start + 500)
        #expect(model.staleCount == 0)
        // Its deadline passed long ago on its connected clock: stale again at the first refresh.
        model.connectionRestored(at: start + 600, broker: 1)
        let due = try #require(model.nextDeadline)
        #expect(due <= start + 600)
        model.refresh(now: start + 600)
        #expect(model.record("cabin/t")?.liveness.isStale == true)
        #expect(model.node(model.root(ofBroker: 1)).staleCount == 1)
    }

    @Test func retainedReconciliationIsPerBroker() {
        var model = TopicModel(brokers: ["home", "cabin"])
        model.ingest(msg("kept", "1", retain: true, at: start), broker: 0)
        model.ingest(msg("dropped", "1", retain: true, at: start), broker: 0)
        model.ingest(msg("kept", "1", retain: true, at: start), broker: 1)
        // Home reconnects and resends only `kept`; the cabin's retained value is not in question.
        model.subscriptionsResent(at: start + 10, broker: 0)
        model.subscriptionsRestored(at: start + 10, broker: 0)
        model.ingest(msg("kept", "1", retain: true, at: start + 10.1), broker: 0)
        model.refresh(now: start + 20)
        #expect(model.record("home/kept")?.retained == .shown)
        #expect(model.record("home/dropped")?.retained == .gone)
        #expect(model.record("cabin/kept")?.retained == .shown)
        #expect(model.retainedCount == 2)
    }

    @Test func availabilityAndDiscoveryLabelsStayWithinTheirBroker() {
        var model = TopicModel(brokers: ["home", "cabin"])
        for broker in 0..<2 { model.ingest(msg("zigbee2mqtt/hall_sensor", #"{"temperature":21}"#), broker: broker) }
        model.ingest(msg("zigbee2mqtt/hall_sensor/availability", "offline", retain: true), broker: 1)
        #expect(model.isOfflineDevice(model.id("cabin/zigbee2mqtt/hall_sensor")))
        #expect(!model.isOfflineDevice(model.id("home/zigbee2mqtt/hall_sensor")))
        #expect(model.node(model.root(ofBroker: 1)).offlineCount == 1)
        // A device the offline topic names before it exists is found under its own broker.
        model.ingest(msg("tele/plug/LWT", "Offline", retain: true), broker: 0)
        model.ingest(msg("stat/plug/RESULT", #"{"POWER":"ON"}"#), broker: 1)
        model.ingest(msg("stat/plug/RESULT", #"{"POWER":"ON"}"#), broker: 0)
        #expect(model.isOfflineDevice(model.id("home/stat/plug")))
        #expect(!model.isOfflineDevice(model.id("cabin/stat/plug")))
        // A discovery config names only its own broker's entity.
        let config = #"{"name":"Hall","state_topic":"hall/t","unit_of_measurement":"°C"}"#
        model.ingest(msg("homeassistant/sensor/hall/config", config, retain: true), broker: 0)
        model.ingest(msg("hall/t", "21"), broker: 0)
        model.ingest(msg("hall/t", "22"), broker: 1)
        #expect(model.label(for: model.id("home/hall/t"))?.name == "Hall")
        #expect(model.label(for: model.id("cabin/hall/t")) == nil)
    }
}

/// Rates over a window that began before Hearth listened, and what is not traffic.
@Suite(.timeLimit(.minutes(1))) struct TrafficSinceTests {
    @Test func aRateCountsOnlyTheTimeSinceListeningBeganAndRetainedAnswersAreNoTraffic() {
        var model = TopicModel()
        // The subscription's answer: a retained value the broker kept.
        model.ingest(msg("home/door", "closed", retain: true, at: 1000))
        // Then 3 s of a flood at 20 a second.
        for index in 0..<60 { model.ingest(msg("garage/vibration", "1", at: 1000 + Double(index) / 20)) }
        let now = 1003.0, since = model.watchingSince
        #expect(since == 1000)
        let flood = model.node(model.id("garage/vibration")).traffic
        #expect(flood.messageRate(now: now, since: since) == 20)
        #expect(flood.messageRate(.long, now: now, since: since) == 20)
        #expect(flood.byteRate(.long, now: now, since: since) == 20)
        // Without knowing when listening began, the whole window counts: a third of it.
        #expect(flood.messageRate(now: now) < 7)
        #expect(model.node(model.id("home/door")).traffic.messageRate(now: now, since: since) == 0)
        #expect(model.node(model.id("home")).messageCount == 1)
    }
}
