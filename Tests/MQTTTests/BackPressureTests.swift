import MQTT
import MQTTTestSupport
import NIOCore
import Testing

/// A consumer that stops reading (a `hearth sub` whose pipe's reader stalled) must not lose the
/// connection: keep-alive does not count the time the client itself is not reading.
@Suite(.timeLimit(.minutes(3))) struct BackPressureTests {
    @Test(.timeLimit(.minutes(1))) func aStalledConsumerKeepsItsConnectionAndEveryMessage() async throws {
        let count = 3_000
        let server = try await ScriptedMQTTServer.start { packet, version in
            switch packet {
            case .connect: return [ScriptedMQTTServer.connAck(version)]
            case let .subscribe(subscribe):
                let suback = SubscriptionAckPacket(.suback, packetID: subscribe.packetID, reasonCodes: [.success])
                return [ScriptedMQTTServer.packet(.subscriptionAck(suback), version)]
                    + (0..<count).map { ScriptedMQTTServer.packet(.publish(PublishPacket(topic: "flood/\($0)", payload: Array(repeating: 1, count: 200))), version) }
            case .pingreq: return [ScriptedMQTTServer.packet(.pingresp, version)]
            default: return []
            }
        }
        // A one-second keep alive: a ping unanswered for two seconds would close the connection.
        var configuration = MQTTClientConfiguration(host: "127.0.0.1", port: server.port, version: .only(.v5), keepAlive: 1,
                                                    reconnect: MQTTReconnectPolicy(initialDelay: .milliseconds(100)),
                                                    deliveryBufferLimit: 100)
        configuration.overflow = .pauseReading
        let client = MQTTClient(configuration: configuration)
        try await client.connect()
        _ = try await client.subscribe([MQTTSubscription("flood/#")])
        // The stall itself is the scenario: longer than the ping timeout, with reading paused.
        try await Task.sleep(for: .seconds(4))
        #expect(server.received.contains(.pingreq), "it kept pinging while paused")
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
        #expect(!reconnected)
        #expect(server.connections == 1)
        await client.disconnect()
    }
}
