import MQTT
import MQTTTestSupport
import NIOCore
import Testing

/// A consumer that stops reading (a `hearth sub` whose pipe's reader stalled) must not lose the
/// connection: keep-alive does not count the time the client itself is not reading, and it goes
/// on pinging so that the broker, which enforces the keep alive, keeps it too.
@Suite(.timeLimit(.minutes(3))) struct BackPressureTests {
    @Test(.timeLimit(.minutes(1)), arguments: BrokerKind.allCases)
    func aStalledConsumerKeepsItsConnectionAndEveryMessage(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let count = 3_000
            // A one-second keep alive: the broker drops a client silent for 1.5 s, and the client
            // closes a connection whose ping went unanswered for 2 s.
            var configuration = MQTTClientConfiguration(host: "127.0.0.1", port: broker.port, version: .only(.v5), keepAlive: 1,
                                                        reconnect: MQTTReconnectPolicy(initialDelay: .milliseconds(100)),
                                                        deliveryBufferLimit: 100)
            configuration.overflow = .pauseReading
            let client = MQTTClient(configuration: configuration)
            try await client.connect()
            _ = try await client.subscribe([MQTTSubscription("flood/#")])
            let publisher = makeClient(port: broker.port)
            try await publisher.connect()
            for index in 0..<count {
                try await publisher.publish(to: "flood/\(index % 10)", payload: Array(repeating: 1, count: 200))
            }
            try await publisher.publish(to: "flood/end", payload: [], qos: .atLeastOnce)
            // The stall itself is the scenario: several keep alives long, with reading paused.
            try await Task.sleep(for: .seconds(4))
            var received = 0
            var reconnected = false
            var iterator = client.events.makeAsyncIterator()
            while received < count, let event = await iterator.next() {
                switch event {
                case .message: received += 1
                case .connectionState(.reconnecting): reconnected = true
                default: break
                }
            }
            #expect(received == count)
            #expect(!reconnected, "the connection was dropped during the stall")
            // A dropped connection shows only once reading resumes (the close comes after the
            // buffered messages): the same connection must still carry a QoS 1 round trip.
            try await client.publish(to: "alive", payload: [1], qos: .atLeastOnce)
            #expect(await client.state.isConnected)
            await publisher.disconnect()
            await client.disconnect()
        }
    }
}
