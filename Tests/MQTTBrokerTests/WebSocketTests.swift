import Foundation
import MQTT
import MQTTBroker
import MQTTTestSupport
import NIOCore
import NIOEmbedded
import NIOHTTP1
import NIOPosix
import NIOWebSocket
import Testing

/// MQTT over WebSockets: Hearth's client against the embedded broker's WebSocket listener, paho's
/// WebSocket transport against it, and the frames handler on its own.
@Suite(.timeLimit(.minutes(1)))
struct WebSocketTests {
    static func client(port: Int, path: String = "/mqtt", reconnect: MQTTReconnectPolicy = .never) -> MQTTClient {
        var configuration = MQTTClientConfiguration(host: "127.0.0.1", port: port, reconnect: reconnect)
        configuration.webSocket = MQTTWebSocketOptions(path: path)
        return MQTTClient(configuration: configuration)
    }

    @Test func retainedQoS1And2OverWebSockets() async throws {
        try await withBroker({ $0.webSocketPort = 0 }) { broker, port in
            let webSocketPort = try #require(broker.webSocketPort)
            // Retained first, over plain TCP.
            let tcp = makeClient(port: port)
            try await tcp.connect()
            try await tcp.publish(to: "home/door", payload: Array("closed".utf8), qos: .atLeastOnce, retain: true)
            await tcp.disconnect()

            let subscriber = Self.client(port: webSocketPort)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("home/#", qos: .exactlyOnce)])
            let publisher = Self.client(port: webSocketPort)
            try await publisher.connect()
            try await publisher.publish(to: "home/hall", payload: Array("21.5".utf8), qos: .atLeastOnce)
            try await publisher.publish(to: "home/hall", payload: Array("22".utf8), qos: .exactlyOnce)
            let messages = await recorder.messages(count: 3)
            #expect(messages.map(\.topic) == ["home/door", "home/hall", "home/hall"])
            #expect(messages.map(\.qos) == [.atLeastOnce, .atLeastOnce, .exactlyOnce])
            #expect(messages.first?.retain == true)
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test func wssThroughATLSFrontWithATestCA() async throws {
        try await withBroker({ $0.webSocketPort = 0 }) { broker, _ in
            try await TLSProxy.with(target: try #require(broker.webSocketPort)) { proxy in
                var configuration = MQTTClientConfiguration(host: "localhost", port: proxy.port, tls: MQTTTLSOptions(caFile: proxy.caFile),
                                                            reconnect: .never, connectTimeout: .seconds(10))
                configuration.webSocket = MQTTWebSocketOptions()
                let client = MQTTClient(configuration: configuration)
                let recorder = EventRecorder(client)
                try await client.connect()
                try await client.subscribe([MQTTSubscription("secure/#", qos: .atLeastOnce)])
                try await client.publish(to: "secure/hall", payload: Array("over wss".utf8), qos: .atLeastOnce)
                #expect(await recorder.messages(count: 1).map(\.payload) == [Array("over wss".utf8)])
                await client.disconnect()
                // Without the test CA, the certificate is refused in one line, before any HTTP.
                var untrusted = configuration
                untrusted.tls = MQTTTLSOptions()
                await #expect { try await MQTTClient(configuration: untrusted).connect() } throws: { error in
                    "\(error)".contains("certificate") && !"\(error)".contains("\n")
                }
            }
        }
    }

    @Test func aRefusedUpgradeIsOneLine() async throws {
        try await withBroker({ $0.webSocketPort = 0 }) { broker, _ in
            let client = Self.client(port: try #require(broker.webSocketPort), path: "/elsewhere")
            await #expect { try await client.connect() } throws: { error in
                "\(error)".contains("ws upgrade refused: 404 Not Found at /elsewhere") && !"\(error)".contains("\n")
            }
        }
    }

    @Test func aServerThatUpgradesWithoutTheMQTTSubprotocolIsRefused() async throws {
        // A WebSocket server that is not an MQTT one: it upgrades, but names no subprotocol.
        let upgrader = NIOWebSocketServerUpgrader(
            shouldUpgrade: { channel, _ in channel.eventLoop.makeSucceededFuture(HTTPHeaders()) },
            upgradePipelineHandler: { channel, _ in channel.eventLoop.makeSucceededVoidFuture() })
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline(withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        try await withCleanup({
            let client = Self.client(port: try #require(server.localAddress?.port))
            await #expect { try await client.connect() } throws: { error in
                "\(error)".contains("the server did not accept the mqtt subprotocol")
            }
        }, cleanup: { try? await server.close() })
    }

    @Test func aPacketSplitAcrossFramesAndFramesHoldingSeveralPacketsArriveWhole() throws {
        let channel = EmbeddedChannel(handler: MQTTWebSocketFrames(masking: false))
        var packets = ByteBuffer()
        for topic in ["a", "b", "c"] {
            try MQTTPacket.publish(PublishPacket(topic: topic, payload: Array("x".utf8))).write(to: &packets, version: .v311)
        }
        let bytes = Array(packets.readableBytesView)
        // The first packet split in two frames; the second and third in one.
        for range in [0..<3, 3..<6, 6..<bytes.count] {
            try channel.writeInbound(WebSocketFrame(fin: true, opcode: .binary, data: ByteBuffer(bytes: bytes[range])))
        }
        var received: [UInt8] = []
        while let buffer = try channel.readInbound(as: ByteBuffer.self) { received += buffer.readableBytesView }
        #expect(received == bytes)
        var decoder = MQTTFrameDecoder(version: .v311)
        var all = ByteBuffer(bytes: received)
        decoder.append(&all)
        var topics: [String] = []
        while case let .publish(publish)? = try decoder.nextPacket() { topics.append(publish.topic) }
        #expect(topics == ["a", "b", "c"])
        // A ping is answered with a pong carrying its data; a text frame closes with 1002.
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .ping, data: ByteBuffer(string: "hi")))
        let pong = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(pong.opcode == .pong && pong.data == ByteBuffer(string: "hi"))
        try channel.writeInbound(WebSocketFrame(fin: true, opcode: .text, data: ByteBuffer(string: "{}")))
        let close = try #require(try channel.readOutbound(as: WebSocketFrame.self))
        #expect(close.opcode == .connectionClose && close.data.getInteger(at: 0, as: UInt16.self) == 1002)
    }
}
