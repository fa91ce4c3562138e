import MQTT
@testable import MQTTBroker
import NIOCore
import Testing

/// MQTT 5.0 behaviour of the embedded broker, driven packet by packet on a clock the test moves.
@Suite(.timeLimit(.minutes(1)))
struct BrokerConformanceTests {
    static func subscribe(_ client: HarnessClient, _ filters: String..., qos: MQTTQoS = .atLeastOnce) throws {
        try client.send(.subscribe(SubscribePacket(packetID: 1, subscriptions: filters.map { MQTTSubscription($0, qos: qos) })))
        _ = try client.received()
    }

    static func disconnectReason(_ packets: [MQTTPacket]) -> MQTTReasonCode? {
        packets.compactMap { packet -> MQTTReasonCode? in
            if case let .disconnect(disconnect) = packet { return disconnect.reasonCode }
            return nil
        }.first
    }

    // MARK: Topic aliases

    @Test func topicAliasesAreResolvedOnTheWayInAndNeverForwardedOrRetained() throws {
        let broker = BrokerHarness()
        let (subscriber, _) = try broker.client("subscriber")
        try Self.subscribe(subscriber, "home/#")
        let (publisher, connack) = try broker.client("publisher")
        let maximum = try #require(connack?.properties.topicAliasMaximum)
        #expect(maximum >= 1)
        try publisher.send(.publish(PublishPacket(topic: "home/hall", payload: Array("21".utf8), retain: true, properties: [.topicAlias(1)])))
        try publisher.send(.publish(PublishPacket(topic: "", payload: Array("22".utf8), retain: true, properties: [.topicAlias(1)])))
        let forwarded = try subscriber.publishes()
        #expect(forwarded.map(\.topic) == ["home/hall", "home/hall"])
        #expect(forwarded.map(\.payload) == [Array("21".utf8), Array("22".utf8)])
        #expect(forwarded.allSatisfy { $0.properties.topicAlias == nil }, "an alias is the publisher's connection's, not the subscriber's")
        #expect(publisher.isOpen)
        // The retained copy carries no alias either.
        let (late, _) = try broker.client("late")
        try late.send(.subscribe(SubscribePacket(packetID: 1, subscriptions: [MQTTSubscription("home/#")])))
        let retained = try late.publishes()
        #expect(retained.count == 1 && retained.first?.payload == Array("22".utf8) && retained.first?.properties.topicAlias == nil)
    }

    @Test(arguments: [UInt16(0), 1000])
    func anAliasOutsideTheAdvertisedRangeIsRefusedWith0x94(alias: UInt16) throws {
        let broker = BrokerHarness()
        let (publisher, _) = try broker.client("publisher")
        try publisher.send(.publish(PublishPacket(topic: "home/hall", payload: [0x31], properties: [.topicAlias(alias)])))
        #expect(Self.disconnectReason(try publisher.received()) == .topicAliasInvalid)
        #expect(!publisher.isOpen)
    }

    @Test func anAliasNeverSetIsAProtocolError() throws {
        let broker = BrokerHarness()
        let (publisher, _) = try broker.client("publisher")
        try publisher.send(.publish(PublishPacket(topic: "", payload: [0x31], properties: [.topicAlias(3)])))
        #expect(Self.disconnectReason(try publisher.received()) == .protocolError)
        #expect(!publisher.isOpen)
    }
}

/// Flow control: the broker's Receive Maximum, and the client's Maximum Packet Size.
@Suite(.timeLimit(.minutes(1)))
struct BrokerFlowControlTests {
    @Test func theReceiveMaximumIsAdvertisedAndEnforcedWith0x93() throws {
        let broker = BrokerHarness { $0.receiveMaximum = 2 }
        let (publisher, connack) = try broker.client("publisher")
        #expect(connack?.properties.receiveMaximum == 2)
        for id in UInt16(1)...2 {
            try publisher.send(.publish(PublishPacket(topic: "a", payload: [1], qos: .exactlyOnce, packetID: id)))
        }
        // Two QoS 2 messages await PUBREL: a resend of one is fine, a third is one too many.
        try publisher.send(.publish(PublishPacket(topic: "a", payload: [1], qos: .exactlyOnce, dup: true, packetID: 2)))
        #expect(BrokerConformanceTests.disconnectReason(try publisher.received()) == nil && publisher.isOpen)
        try publisher.send(.publish(PublishPacket(topic: "a", payload: [1], qos: .exactlyOnce, packetID: 3)))
        #expect(BrokerConformanceTests.disconnectReason(try publisher.received()) == .receiveMaximumExceeded)
        #expect(!publisher.isOpen)
    }

    @Test func aMessageTooLargeForTheSubscriberDoesNotKeepItsInFlightSlot() throws {
        let broker = BrokerHarness()
        let (subscriber, _) = try broker.client("subscriber", properties: [.receiveMaximum(1), .maximumPacketSize(100)])
        try BrokerConformanceTests.subscribe(subscriber, "a")
        let (publisher, _) = try broker.client("publisher")
        try publisher.send(.publish(PublishPacket(topic: "a", payload: Array(repeating: 0x41, count: 200), qos: .atLeastOnce, packetID: 1)))
        try publisher.send(.publish(PublishPacket(topic: "a", payload: Array("small".utf8), qos: .atLeastOnce, packetID: 2)))
        // The large one is dropped as if sent [MQTT-3.1.2-25]; the small one still has a slot.
        #expect(try subscriber.publishes().map(\.payload) == [Array("small".utf8)])
    }
}

/// 5.0 session expiry and wills at the session's end, on a clock the test moves.
@Suite(.timeLimit(.minutes(1)))
struct BrokerSessionExpiryTests {
    static func reconnect(_ broker: BrokerHarness, _ id: String) throws -> Bool {
        let (client, connack) = try broker.client(id, cleanStart: false, properties: [.sessionExpiryInterval(5)])
        defer { _ = try? client.send(.disconnect(DisconnectPacket())) }
        return try #require(connack).sessionPresent
    }

    @Test func aSessionLastsItsExpiryIntervalAndNoLonger() throws {
        let broker = BrokerHarness()
        let (client, _) = try broker.client("sensor", properties: [.sessionExpiryInterval(5)])
        try client.send(.disconnect(DisconnectPacket()))
        broker.advance(by: .seconds(4))
        #expect(try Self.reconnect(broker, "sensor"), "back within 5 s: the session is there")
        // Each disconnection starts the interval again: 4 s after the second (8 s after the
        // first) it is still there; 6 s after the third it has ended.
        broker.advance(by: .seconds(4))
        #expect(try Self.reconnect(broker, "sensor"), "the first disconnection's timer was stopped")
        broker.advance(by: .seconds(6))
        #expect(try !Self.reconnect(broker, "sensor"), "back after 6 s: a new session")
    }

    @Test func theDisconnectsExpiryIntervalReplacesTheConnects() throws {
        let broker = BrokerHarness()
        let (client, _) = try broker.client("sensor", properties: [.sessionExpiryInterval(3600)])
        try client.send(.disconnect(DisconnectPacket(properties: [.sessionExpiryInterval(0)])))
        #expect(try !Self.reconnect(broker, "sensor"), "expiry 0 in DISCONNECT: the session ended with the connection")
    }

    @Test func aDisconnectThatKeepsASessionMeantToEndIsAProtocolError() throws {
        let broker = BrokerHarness()
        let (client, _) = try broker.client("sensor")
        try client.send(.disconnect(DisconnectPacket(properties: [.sessionExpiryInterval(10)])))
        #expect(BrokerConformanceTests.disconnectReason(try client.received()) == .protocolError)
    }

    @Test func aTakeOverOnTheSameSessionIsBackWithinTheWillDelay() throws {
        let broker = BrokerHarness()
        let (watcher, _) = try broker.client("watcher")
        try BrokerConformanceTests.subscribe(watcher, "status/#")
        let will = MQTTWill(topic: "status/sensor", payload: Array("gone".utf8), properties: [.willDelayInterval(60)])
        _ = try broker.client("sensor", properties: [.sessionExpiryInterval(3600)], will: will)
        // The same client id connects again on the same session: the will is not sent.
        _ = try broker.client("sensor", cleanStart: false, properties: [.sessionExpiryInterval(3600)])
        broker.advance(by: .seconds(120))
        #expect(try watcher.publishes().isEmpty)
    }

    @Test func aCleanStartEndsTheSessionSoAPendingWillGoesOutThen() throws {
        let broker = BrokerHarness()
        let (watcher, _) = try broker.client("watcher")
        try BrokerConformanceTests.subscribe(watcher, "status/#")
        let will = MQTTWill(topic: "status/sensor", payload: Array("gone".utf8), properties: [.willDelayInterval(60)])
        let (client, _) = try broker.client("sensor", properties: [.sessionExpiryInterval(3600)], will: will)
        try client.channel.close().wait()
        #expect(try watcher.publishes().isEmpty, "waiting out its delay")
        _ = try broker.client("sensor", cleanStart: true)
        #expect(try watcher.publishes().map(\.topic) == ["status/sensor"], "the old session ended with the clean start")
    }

    @Test(arguments: [UInt32(0), 5])
    func aWillGoesOutWhenTheSessionEndsBeforeItsDelay(sessionExpiry: UInt32) throws {
        let broker = BrokerHarness()
        let (watcher, _) = try broker.client("watcher")
        try BrokerConformanceTests.subscribe(watcher, "status/#")
        let will = MQTTWill(topic: "status/sensor", payload: Array("gone".utf8), properties: [.willDelayInterval(60)])
        let (client, _) = try broker.client("sensor", properties: [.sessionExpiryInterval(sessionExpiry)], will: will)
        // The connection drops without a DISCONNECT.
        try client.channel.close().wait()
        if sessionExpiry > 0 {
            broker.advance(by: .seconds(Int64(sessionExpiry) - 1))
            #expect(try watcher.publishes().isEmpty, "the session lasts: the will waits")
            broker.advance(by: .seconds(1))
        }
        #expect(try watcher.publishes().map(\.topic) == ["status/sensor"], "at the session's end, not after 60 s")
    }
}

/// 5.0's optional features the broker announces: shared subscriptions and subscription identifiers.
@Suite(.timeLimit(.minutes(1)))
struct BrokerSharedSubscriptionTests {
    static func payloads(_ client: HarnessClient) throws -> [String] {
        try client.publishes().map { String(decoding: $0.payload, as: UTF8.self) }
    }

    @Test func aSharedGroupGetsEachMessageOnceThroughItsMembersInTurn() throws {
        let broker = BrokerHarness()
        let (publisher, connack) = try broker.client("publisher")
        #expect(connack?.properties.contains { $0.identifier == .sharedSubscriptionAvailable || $0.identifier == .subscriptionIdentifierAvailable } == false,
                "both available (the default)")
        try publisher.send(.publish(PublishPacket(topic: "jobs/old", payload: Array("retained".utf8), retain: true)))
        let (first, _) = try broker.client("worker-1")
        let (second, _) = try broker.client("worker-2")
        let (watcher, _) = try broker.client("watcher")
        try BrokerConformanceTests.subscribe(first, "$share/workers/jobs/#")
        try BrokerConformanceTests.subscribe(second, "$share/workers/jobs/#")
        try watcher.send(.subscribe(SubscribePacket(packetID: 1, subscriptions: [MQTTSubscription("jobs/#")])))
        _ = try watcher.received()
        for job in 1...4 { try publisher.send(.publish(PublishPacket(topic: "jobs/new", payload: Array("\(job)".utf8)))) }
        #expect(try Self.payloads(first) == ["1", "3"], "no retained message for a shared subscription, then every other job")
        #expect(try Self.payloads(second) == ["2", "4"])
        #expect(try Self.payloads(watcher) == ["1", "2", "3", "4"], "a plain subscription still gets every one")
        // A member that leaves the group no longer gets a turn.
        try second.send(.unsubscribe(UnsubscribePacket(packetID: 2, filters: ["$share/workers/jobs/#"])))
        _ = try second.received()
        for job in 5...6 { try publisher.send(.publish(PublishPacket(topic: "jobs/new", payload: Array("\(job)".utf8)))) }
        #expect(try Self.payloads(first) == ["5", "6"] && Self.payloads(second).isEmpty)
    }

    @Test func noLocalOnASharedSubscriptionIsAProtocolError() throws {
        let broker = BrokerHarness()
        let (client, _) = try broker.client("client")
        try client.send(.subscribe(SubscribePacket(packetID: 1, subscriptions: [MQTTSubscription("$share/g/a", noLocal: true)])))
        #expect(BrokerConformanceTests.disconnectReason(try client.received()) == .protocolError)
    }

    @Test func subscriptionIdentifiersComeWithWhatTheyDeliver() throws {
        let broker = BrokerHarness()
        let (publisher, _) = try broker.client("publisher")
        try publisher.send(.publish(PublishPacket(topic: "home/hall", payload: [0x31], retain: true)))
        let (client, _) = try broker.client("client")
        try client.send(.subscribe(SubscribePacket(packetID: 1, subscriptions: [MQTTSubscription("home/#")], properties: [.subscriptionIdentifier(7)])))
        #expect(try client.publishes().map(\.properties.subscriptionIdentifiers) == [[7]], "the retained message carries it")
        try client.send(.subscribe(SubscribePacket(packetID: 2, subscriptions: [MQTTSubscription("home/hall")], properties: [.subscriptionIdentifier(9)])))
        _ = try client.received()
        try publisher.send(.publish(PublishPacket(topic: "home/hall", payload: [0x32])))
        let live = try client.publishes()
        #expect(live.count == 1 && Set(live[0].properties.subscriptionIdentifiers) == [7, 9], "one copy, both identifiers")
        // They are the broker's to send: a client's PUBLISH with one is a protocol error [MQTT-3.3.4-6].
        try publisher.send(.publish(PublishPacket(topic: "home/hall", payload: [0x33], properties: [.subscriptionIdentifier(99)])))
        #expect(BrokerConformanceTests.disconnectReason(try publisher.received()) == .protocolError)
    }

    @Test func twoIdentifiersInOneSubscribeAreAProtocolError() throws {
        let broker = BrokerHarness()
        let (client, _) = try broker.client("client")
        try client.send(.subscribe(SubscribePacket(packetID: 1, subscriptions: [MQTTSubscription("a")],
                                                   properties: [.subscriptionIdentifier(1), .subscriptionIdentifier(2)])))
        #expect(BrokerConformanceTests.disconnectReason(try client.received()) == .protocolError)
    }
}
