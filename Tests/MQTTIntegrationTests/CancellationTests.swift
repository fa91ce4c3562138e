@testable import MQTT
import MQTTTestSupport
import Testing

/// Every wait of the client ends when its task is cancelled, and a second consumer never hangs.
@Suite(.timeLimit(.minutes(3))) struct CancellationTests {
    /// A server that accepts the connection and then answers nothing.
    func silentServer() async throws -> ScriptedMQTTServer {
        try await ScriptedMQTTServer.start { packet, version in
            if case .connect = packet { return [ScriptedMQTTServer.connAck(version)] }
            return []
        }
    }

    @Test(.timeLimit(.minutes(1))) func subscribeAndPublishEndWithCancellationError() async throws {
        let server = try await silentServer()
        let client = makeClient(port: server.port)
        try await client.connect()
        let subscribe = Task { try await client.subscribe([MQTTSubscription("a/#")]) }
        let publish = Task { try await client.publish(to: "a", payload: [1], qos: .atLeastOnce) }
        try await waitUntil("both packets to reach the server") { server.received.count >= 3 }
        subscribe.cancel()
        publish.cancel()
        await #expect(throws: CancellationError.self) { try await subscribe.value }
        await #expect(throws: CancellationError.self) { try await publish.value }
        // The client is still usable.
        try await client.publish(to: "b", payload: [2])
        await client.disconnect()
    }

    @Test(.timeLimit(.minutes(1))) func aWaitingIteratorEndsWhenCancelledAndASecondConsumerIsRefused() async throws {
        let server = try await silentServer()
        let client = makeClient(port: server.port)
        try await client.connect()
        let events = client.events
        let first = Task {
            var iterator = events.makeAsyncIterator()
            while let event = await iterator.next() {
                if case .message = event { return false }
            }
            return true
        }
        // Once the first waits (the connection's events taken), a second is refused at once.
        try await waitUntil("the first consumer to wait") { events.buffer.hasWaiter }
        var second = events.makeAsyncIterator()
        #expect(await second.next() == nil)
        #expect(events.buffer.hasWaiter, "the first still waits")
        first.cancel()
        #expect(await first.value, "the cancelled iterator ended")
        await client.disconnect()
    }
}

/// A cancelled QoS 1 publish was sent: it keeps its Receive Maximum slot until the broker answers.
@Suite(.timeLimit(.minutes(1))) struct CancelledPublishSlotTests {
    @Test func aCancelledPublishKeepsItsSlotUntilAcknowledged() async throws {
        // Receive Maximum 1, and the first PUBLISH is never acknowledged.
        let server = try await ScriptedMQTTServer.start { packet, version in
            if case .connect = packet { return [ScriptedMQTTServer.connAck(version, properties: [.receiveMaximum(1)])] }
            return []
        }
        let client = makeClient(port: server.port)
        try await client.connect()
        let first = Task { try await client.publish(to: "a", payload: [1], qos: .atLeastOnce) }
        try await waitUntil("the first PUBLISH to reach the server") { server.received.count >= 2 }
        first.cancel()
        await #expect(throws: CancellationError.self) { try await first.value }
        // The second waits for the slot instead of exceeding the broker's Receive Maximum.
        let second = Task { try await client.publish(to: "b", payload: [2], qos: .atLeastOnce) }
        while await client.slotWaiters.isEmpty { await Task.yield() }
        #expect(server.received.filter { if case .publish = $0 { true } else { false } }.count == 1)
        second.cancel()
        await #expect(throws: CancellationError.self) { try await second.value }
        await client.disconnect()
    }
}
