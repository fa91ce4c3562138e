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
