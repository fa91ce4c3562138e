import Foundation
import HearthKit
import MQTT
import MQTTTestSupport
import Testing
import TopicModel

/// A session on the in-memory broker: it subscribes, its feed reaches the model, and a reconnect
/// is followed and reconciled, with time moved by hand.
@Suite(.timeLimit(.minutes(1)))
struct SessionTests {
    static let configuration = MQTTClientConfiguration(
        host: "broker.test", port: 1883, clientID: "session-test", version: .only(.v5), keepAlive: 0,
        reconnect: MQTTReconnectPolicy(initialDelay: .seconds(1), maximumDelay: .seconds(1), jitter: 0), connectTimeout: .seconds(10))

    /// Answers CONNECT, then the SUBSCRIBE with the given codes; returns the connection.
    static func accept(_ broker: InMemoryBroker, codes: [MQTTReasonCode] = [.success]) async throws -> InMemoryConnection {
        let connection = try await broker.nextConnection()
        guard case .connect = try await connection.receive() else { throw TestSupportError("no CONNECT") }
        try await connection.send(.connack(ConnAckPacket()))
        guard case let .subscribe(subscribe) = try await connection.receive() else { throw TestSupportError("no SUBSCRIBE") }
        #expect(subscribe.subscriptions.map(\.filter) == ["home/#"])
        #expect(subscribe.subscriptions.allSatisfy { $0.retainAsPublished })
        try await connection.send(.subscriptionAck(SubscriptionAckPacket(.suback, packetID: subscribe.packetID, reasonCodes: codes)))
        return connection
    }

    static func publish(_ connection: InMemoryConnection, _ topic: String, _ payload: String, retain: Bool) async throws {
        try await connection.send(.publish(PublishPacket(topic: topic, payload: Array(payload.utf8), retain: retain)))
    }

    @Test func theFeedReachesTheModelAndAReconnectsBurstIsReconciled() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration)
        let session = Session(configuration: Self.configuration, filters: ["home/#"], qos: .atMostOnce, retainAsPublished: true)
        let model = SharedModel()
        let (news, newsContinuation) = AsyncStream<FeedNews>.makeStream()
        let running = Task {
            try await session.run(on: client) { client, _ in
                await model.feed(client.events.batches) { newsContinuation.yield($0) }
            }
        }
        var told = news.makeAsyncIterator()
        /// Reads news up to the first that `wanted` accepts.
        func next(_ what: String, _ wanted: (FeedNews) -> Bool) async throws {
            while let news = await told.next() {
                if wanted(news) { return }
            }
            throw TestSupportError("feed ended before \(what)")
        }
        func ingested(_ news: FeedNews) -> Bool {
            if case let .ingested(messages, _) = news { return messages > 0 }
            return false
        }

        let first = try await Self.accept(broker)
        try await Self.publish(first, "home/door", "closed", retain: true)
        try await Self.publish(first, "home/lamp", "ON", retain: true)
        while model.withModel({ $0.retainedCount }) < 2 { try await next("two retained topics", ingested) }

        // The broker restarts and lost the lamp: after the reconnect it resends only the door.
        try await first.close()
        try await next("reconnecting") { news in
            if case .connection(.reconnecting, _, let downSince) = news { return downSince != nil }
            return false
        }
        await broker.loop.advanceTime(by: .seconds(1))
        let second = try await Self.accept(broker)
        try await Self.publish(second, "home/door", "closed", retain: true)
        try await next("the door resent", ingested)
        // The resent door is the same message: it counts nothing. Once the burst settles, the
        // lamp the broker no longer holds is gone.
        let (doorCount, lamp) = model.withModel { model -> (Int?, RetainedState?) in
            _ = model.refresh(now: Date().timeIntervalSince1970 + 60)
            return (model.find("home/door").flatMap { model.topic(at: $0) }?.messageCount,
                    model.find("home/lamp").flatMap { model.topic(at: $0) }?.retained)
        }
        #expect(doorCount == 1)
        #expect(lamp == .gone)
        await client.disconnect()
        _ = try await running.value
    }

    @Test func everyFilterRefusedIsAnErrorAndOneRefusedIsAWarning() async throws {
        let broker = InMemoryBroker()
        let warnings = AsyncStream<String>.makeStream()
        let session = Session(configuration: Self.configuration, filters: ["home/#"], qos: .atMostOnce, retainAsPublished: false,
                              warn: { warnings.continuation.yield($0) })
        let refused = Task { try await session.run(on: broker.client(Self.configuration)) { _, _ in } }
        let connection = try await broker.nextConnection()
        _ = try await connection.receive()
        try await connection.send(.connack(ConnAckPacket()))
        guard case let .subscribe(subscribe) = try await connection.receive() else { throw TestSupportError("no SUBSCRIBE") }
        try await connection.send(.subscriptionAck(SubscriptionAckPacket(.suback, packetID: subscribe.packetID,
                                                                         reasonCodes: [MQTTReasonCode(rawValue: 0x87)])))
        do {
            try await refused.value
            Issue.record("every filter refused, and the session ran")
        } catch {
            #expect(error is MQTTClientError)
        }

        var two = session
        two.filters = ["home/#", "$SYS/#"]
        let warned = Task { try await two.run(on: broker.client(Self.configuration)) { _, _ in "ran" } }
        let next = try await broker.nextConnection()
        _ = try await next.receive()
        try await next.send(.connack(ConnAckPacket()))
        guard case let .subscribe(both) = try await next.receive() else { throw TestSupportError("no SUBSCRIBE") }
        try await next.send(.subscriptionAck(SubscriptionAckPacket(.suback, packetID: both.packetID,
                                                                   reasonCodes: [.success, MQTTReasonCode(rawValue: 0x87)])))
        #expect(try await warned.value == "ran")
        var warning = warnings.stream.makeAsyncIterator()
        #expect(await warning.next()?.contains("$SYS/#") == true)
    }
}
