@testable import MQTT
import MQTTTestSupport
import Testing

/// `withConnection` and `withSubscription` clean up however their body ends.
@Suite(.timeLimit(.minutes(1)))
struct ScopedClientTests {
    struct BodyFailed: Error {}

    static func configuration() -> MQTTClientConfiguration {
        MQTTClientConfiguration(host: "broker.test", port: 1883, clientID: "scoped", version: .only(.v5), reconnect: .never)
    }

    @Test func aThrowingBodyStillUnsubscribesAndDisconnects() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration())
        let run = Task {
            try await client.withConnection { client, _ in
                try await client.withSubscription([MQTTSubscription("home/#"), MQTTSubscription("garage/#")]) { codes, _ in
                    #expect(codes == [.success, .notAuthorized])
                    throw BodyFailed()
                }
            }
        }
        let connection = try await broker.nextConnection()
        guard case .connect = try await connection.receive() else { throw TestSupportError("no CONNECT") }
        try await connection.send(.connack(ConnAckPacket()))
        guard case let .subscribe(subscribe) = try await connection.receive() else { throw TestSupportError("no SUBSCRIBE") }
        try await connection.send(.subscriptionAck(SubscriptionAckPacket(.suback, packetID: subscribe.packetID,
                                                                         reasonCodes: [.success, .notAuthorized])))
        // Only the granted filter is undone.
        guard case let .unsubscribe(unsubscribe) = try await connection.receive() else { throw TestSupportError("no UNSUBSCRIBE") }
        #expect(unsubscribe.filters == ["home/#"])
        try await connection.send(.subscriptionAck(SubscriptionAckPacket(.unsuback, packetID: unsubscribe.packetID,
                                                                         reasonCodes: [.success])))
        #expect(try await connection.receive() == .disconnect(DisconnectPacket()))
        await #expect(throws: BodyFailed.self) { try await run.value }
        #expect(await client.state == .closed(nil))
    }

    @Test func aBodyThatReturnsDisconnectsAndHandsBackItsResult() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration())
        let run = Task { try await client.withConnection { _, info in info.clientID } }
        let connection = try await broker.nextConnection()
        _ = try await connection.receive()
        try await connection.send(.connack(ConnAckPacket()))
        #expect(try await connection.receive() == .disconnect(DisconnectPacket()))
        #expect(try await run.value == "scoped")
    }

    @Test func aCancelledBodyStillDisconnects() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration())
        let run = Task {
            try await client.withConnection { client, _ in
                // Waits for a PUBACK that never comes, until cancelled.
                try await client.publish(to: "home/door", payload: [1], qos: .atLeastOnce)
            }
        }
        let connection = try await broker.nextConnection()
        _ = try await connection.receive()
        try await connection.send(.connack(ConnAckPacket()))
        guard case .publish = try await connection.receive() else { throw TestSupportError("no PUBLISH") }
        run.cancel()
        #expect(try await connection.receive() == .disconnect(DisconnectPacket()))
        await #expect(throws: CancellationError.self) { try await run.value }
    }

    @Test func aCancelledSubscriptionScopeStillUnsubscribes() async throws {
        let broker = InMemoryBroker()
        let client = broker.client(Self.configuration())
        let run = Task {
            try await client.withConnection { client, _ in
                try await client.withSubscription([MQTTSubscription("home/#")]) { _, _ in
                    // Waits for a PUBACK that never comes, until cancelled.
                    try await client.publish(to: "home/door", payload: [1], qos: .atLeastOnce)
                }
            }
        }
        let connection = try await broker.nextConnection()
        _ = try await connection.receive()
        try await connection.send(.connack(ConnAckPacket()))
        guard case let .subscribe(subscribe) = try await connection.receive() else { throw TestSupportError("no SUBSCRIBE") }
        try await connection.send(.subscriptionAck(SubscriptionAckPacket(.suback, packetID: subscribe.packetID, reasonCodes: [.success])))
        guard case .publish = try await connection.receive() else { throw TestSupportError("no PUBLISH") }
        run.cancel()
        guard case let .unsubscribe(unsubscribe) = try await connection.receive() else { throw TestSupportError("no UNSUBSCRIBE") }
        #expect(unsubscribe.filters == ["home/#"])
        try await connection.send(.subscriptionAck(SubscriptionAckPacket(.unsuback, packetID: unsubscribe.packetID, reasonCodes: [.success])))
        #expect(try await connection.receive() == .disconnect(DisconnectPacket()))
        await #expect(throws: CancellationError.self) { try await run.value }
    }
}
