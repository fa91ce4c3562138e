import MQTT
@testable import MQTTBroker
import NIOCore
import Testing

/// Subscriptions and retained messages in topic tries: matching as the spec says, a large
/// SUBSCRIBE answered at once and served in slices, and bounds on what one SUBSCRIBE asks.
@Suite(.timeLimit(.minutes(1)))
struct BrokerScaleTests {
    @Test func theTriesMatchAsTheSpecSays() {
        let retained = TopicTrie<String>()
        for topic in ["sport", "sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking", "$SYS/uptime", "/finance", "a//b"] {
            retained.update(topic) { $0 = topic }
        }
        func topics(_ filter: String) -> Set<String> {
            var found: Set<String> = []
            retained.forEachMatch(of: filter) { node in found.insert(node.value ?? "") }
            return found
        }
        #expect(topics("sport/#") == ["sport", "sport/tennis", "sport/tennis/player1", "sport/tennis/player1/ranking"])
        #expect(topics("sport/tennis/+") == ["sport/tennis/player1"])
        #expect(topics("sport/+") == ["sport/tennis"])
        #expect(topics("+/+") == ["sport/tennis", "/finance"])
        #expect(topics("#").contains("sport") && !topics("#").contains("$SYS/uptime"), "no wildcard first level matches $ topics")
        #expect(topics("$SYS/#") == ["$SYS/uptime"] && topics("+/uptime").isEmpty)
        #expect(topics("a/+/b") == ["a//b"])

        let filters = TopicTrie<String>()
        for filter in ["sport/#", "sport/tennis/+", "+/+", "#", "$SYS/#", "+/tennis/#"] { filters.update(filter) { $0 = filter } }
        func matching(_ topic: String) -> Set<String> {
            var found: Set<String> = []
            filters.forEachFilter(matching: topic) { found.insert($0) }
            return found
        }
        #expect(matching("sport") == ["sport/#", "#"])
        #expect(matching("sport/tennis") == ["sport/#", "+/+", "#", "+/tennis/#"])
        #expect(matching("$SYS/uptime") == ["$SYS/#"])
        // Removing a filter prunes its branch.
        filters.update("sport/tennis/+") { $0 = nil }
        #expect(filters.count == 5 && filters["sport/tennis/+"] == nil)
    }

    @Test func aLargeSubscribeIsAnsweredAtOnceAndOthersAreServedWhileItsRetainedMessagesGo() throws {
        let broker = BrokerHarness()
        let (publisher, _) = try broker.client("publisher")
        for device in 0..<1_000 {
            for sensor in 0..<10 {
                try publisher.send(.publish(PublishPacket(topic: "home/device\(device)/sensor\(sensor)", payload: [0x31], retain: true)))
            }
        }
        let (large, _) = try broker.client("large")
        let (other, _) = try broker.client("other")
        let filters = (0..<1_000).map { MQTTSubscription("home/device\($0)/#") }
        try large.send(.subscribe(SubscribePacket(packetID: 7, subscriptions: filters)))
        let first = try large.received()
        let suback = first.compactMap { packet -> SubscriptionAckPacket? in
            if case let .subscriptionAck(ack) = packet { return ack }
            return nil
        }.first
        #expect(suback?.reasonCodes.count == 1_000 && suback?.reasonCodes.allSatisfy { $0 == .success } == true)
        // One slice went with the SUBACK; the rest wait for later turns of the loop.
        let early = first.count - 1
        #expect(early == BrokerCore.retainedSlice)
        // Another client is answered in between, before the large subscription's messages are out.
        try other.send(.pingreq)
        #expect(try other.received().contains { if case .pingresp = $0 { true } else { false } })
        #expect(try large.publishes().isEmpty, "no turn has run yet")
        broker.loop.run()
        #expect(early + (try large.publishes().count) == 10_000)
    }

    @Test func retainedSlicesStopWhenTheConnectionEnds() throws {
        let broker = BrokerHarness()
        let (publisher, _) = try broker.client("publisher")
        for index in 0..<2_000 { try publisher.send(.publish(PublishPacket(topic: "t/\(index)", payload: [1], qos: .atLeastOnce, retain: true, packetID: 1))) }
        let (client, _) = try broker.client("persistent", properties: [.sessionExpiryInterval(60)])
        try client.send(.subscribe(SubscribePacket(packetID: 1, subscriptions: [MQTTSubscription("t/#", qos: .atLeastOnce)])))
        // The first slice: 100 in flight (the in-flight window), 400 queued behind them.
        #expect(try client.publishes().count == BrokerConfiguration().maximumInflight)
        try client.channel.close().wait()
        broker.loop.run()
        // The other 1,500 were not queued for the session once its connection went: past its
        // queue's 1,000 they would have been dropped.
        #expect(broker.core.currentStatistics.messagesDropped == 0)
    }

    @Test func aTopicDeeperThanTheLimitIsRefused() throws {
        let broker = BrokerHarness()
        let (publisher, _) = try broker.client("publisher")
        let deep = Array(repeating: "a", count: BrokerConfiguration().maximumTopicLevels + 1).joined(separator: "/")
        try publisher.send(.publish(PublishPacket(topic: deep, payload: [1], retain: true)))
        #expect(BrokerConformanceTests.disconnectReason(try publisher.received()) == .topicNameInvalid)
        #expect(broker.core.retained.userCount == 0, "nothing retained")
    }

    @Test func whatOneSubscribeMayAskForIsBounded() throws {
        let broker = BrokerHarness()
        let (client, _) = try broker.client("client")
        let levels = BrokerConfiguration().maximumTopicLevels
        let deep = Array(repeating: "a", count: levels + 1).joined(separator: "/")
        let deepest = Array(repeating: "a", count: levels).joined(separator: "/")
        let many = (0...BrokerCore.maximumFiltersPerSubscribe).map { MQTTSubscription("many/\($0)") }
        try client.send(.subscribe(SubscribePacket(packetID: 1, subscriptions: [MQTTSubscription(deep), MQTTSubscription(deepest)])))
        try client.send(.subscribe(SubscribePacket(packetID: 2, subscriptions: many)))
        let codes = try client.received().compactMap { packet -> [MQTTReasonCode]? in
            if case let .subscriptionAck(ack) = packet { return ack.reasonCodes }
            return nil
        }
        #expect(codes.first == [.topicFilterInvalid, .success])
        #expect(codes.last?.count == BrokerCore.maximumFiltersPerSubscribe + 1 && codes.last?.last == .quotaExceeded)
        #expect(codes.last?.dropLast().allSatisfy { $0 == .success } == true)
    }
}
