import Foundation
import MQTT
import MQTTTestSupport
import Testing

/// MQTT over WebSockets against amqtt, an outside broker with a WebSockets listener (MQTT 3.1.1).
@Suite(.serialized, .timeLimit(.minutes(2)))
struct WebSocketPeerTests {
    static func client(port: Int, reconnect: MQTTReconnectPolicy = .never) -> MQTTClient {
        var configuration = MQTTClientConfiguration(host: "127.0.0.1", port: port, version: .only(.v311), reconnect: reconnect)
        configuration.webSocket = MQTTWebSocketOptions()
        return MQTTClient(configuration: configuration)
    }

    @Test func retainedQoS1And2ThroughAmqttsWebSocketListener() async throws {
        try await Amqtt.with { broker in
            let publisher = Self.client(port: broker.webSocketPort)
            try await publisher.connect()
            try await publisher.publish(to: "home/door", payload: Array("closed".utf8), qos: .atLeastOnce, retain: true)
            let subscriber = Self.client(port: broker.webSocketPort)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("home/#", qos: .exactlyOnce)])
            try await publisher.publish(to: "home/hall", payload: Array("21.5".utf8), qos: .atLeastOnce)
            try await publisher.publish(to: "home/hall", payload: Array("22".utf8), qos: .exactlyOnce)
            let messages = await recorder.messages(count: 3)
            #expect(messages.map(\.topic) == ["home/door", "home/hall", "home/hall"], "\(messages)")
            // amqtt forwards at the subscription's QoS (2), not the lower of the two as the spec
            // has it: the QoS 2 flows over WebSockets are what is checked, each message once (a
            // marker published after them arrives fourth).
            #expect(messages.first?.retain == true && messages.dropFirst().map(\.qos) == [.exactlyOnce, .exactlyOnce], "\(messages.map(\.qos))")
            try await publisher.publish(to: "home/marker", payload: Array("m".utf8), qos: .atLeastOnce)
            #expect(await recorder.messages(count: 4).map(\.topic) == ["home/door", "home/hall", "home/hall", "home/marker"])
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test func theCommandLineSpeaksWebSocketsThroughWsURLs() async throws {
        try await Amqtt.with { broker in
            let url = "ws://127.0.0.1:\(broker.webSocketPort)/mqtt"
            let published = try await HearthExecutable.run(["pub", "-L", url, "-V", "mqttv311", "-q", "1", "-r", "-t", "cli/ws", "-m", "hello"])
            #expect(published.status == 0, "\(published.stderr)")
            let received = try await HearthExecutable.run(["sub", "-L", url, "-V", "mqttv311", "-t", "cli/#", "-C", "1", "-v"], timeout: 30)
            #expect(received.status == 0 && received.stdout == "cli/ws hello\n", "\(received.stdout)\(received.stderr)")
            // The same through --ws and the ordinary flags.
            let flags = try await HearthExecutable.run(["sub", "-p", "\(broker.webSocketPort)", "--ws", "-V", "mqttv311", "-t", "cli/#", "-C", "1"],
                                                       timeout: 30)
            #expect(flags.stdout == "hello\n", "\(flags.stderr)")
        }
    }

    @Test func aClientOverWebSocketsReconnectsAfterTheBrokerRestarts() async throws {
        try await Amqtt.with { broker in
            let policy = MQTTReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .milliseconds(500))
            let subscriber = Self.client(port: broker.webSocketPort, reconnect: policy)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("after/#", qos: .atLeastOnce)])
            await broker.kill()
            try await broker.launch()
            // Once the client has resubscribed (its events say so), a new message reaches it.
            let restored = await recorder.wait { events in events.contains { if case .subscriptionsRestored = $0 { true } else { false } } }
            #expect(restored)
            let publisher = Self.client(port: broker.webSocketPort)
            try await publisher.connect()
            try await publisher.publish(to: "after/restart", payload: Array("back".utf8), qos: .atLeastOnce)
            let messages = await recorder.messages(count: 1)
            #expect(messages.map(\.topic) == ["after/restart"])
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }
}
