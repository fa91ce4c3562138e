import MQTT
import MQTTTestSupport
import NIOConcurrencyHelpers
import NIOCore
import Testing

/// A scripted fake server sends what no real broker would; the client reports each error and stays alive.
@Suite(.timeLimit(.minutes(3))) struct HostileServerTests {
    /// Raw bytes a hostile server sends right after a successful CONNACK, with the reason code we expect back.
    static let attacks: [(name: String, bytes: [UInt8], expected: MQTTReasonCode)] = [
        ("remaining length of five bytes", [0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F], .malformedPacket),
        // Over the client's 16 MiB limit (by default it takes any packet, as mosquitto_sub does).
        ("announced 200 MB packet", [0x30, 0x80, 0x80, 0xE8, 0x5F, 0x00], .packetTooLarge),
        ("QoS 3 publish", [0x36, 0x06, 0x00, 0x01, 0x74, 0x00, 0x01, 0x00], .malformedPacket),
        ("ill-formed UTF-8 topic", [0x30, 0x06, 0x00, 0x02, 0xC3, 0x28, 0x00, 0x78], .malformedPacket),
        ("wildcard in a publish topic", [0x30, 0x05, 0x00, 0x01, 0x23, 0x00, 0x78], .topicNameInvalid),
        ("unknown topic alias", [0x30, 0x07, 0x00, 0x00, 0x03, 0x23, 0x00, 0x09, 0x78], .protocolError),
        ("second CONNACK", [0x20, 0x03, 0x00, 0x00, 0x00], .protocolError),
    ]

    @Test(.timeLimit(.minutes(1))) func aBrokerThatFailsEveryConnectionGetsAGrowingBackoff() async throws {
        // CONNACK, then a bad packet, every time: each reconnect must wait longer than the last.
        let server = try await ScriptedMQTTServer.start { packet, version in
            guard case .connect = packet else { return [] }
            return [ScriptedMQTTServer.connAck(version), ScriptedMQTTServer.bytes([0x36, 0x06, 0x00, 0x01, 0x74, 0x00, 0x01, 0x00])]
        }
        let client = makeClient(port: server.port, version: .v5,
                                reconnect: MQTTReconnectPolicy(initialDelay: .milliseconds(20), jitter: 0))
        let recorder = EventRecorder(client)
        try await client.connect()
        let attempts = { recorder.states.compactMap { if case let .reconnecting(delay, attempt, _) = $0 { (attempt, delay) } else { nil } } }
        #expect(await recorder.wait { _ in attempts().count >= 4 })
        await client.disconnect()
        let first = attempts().prefix(4)
        #expect(first.map(\.0) == [1, 2, 3, 4], "\(first)")
        #expect(first.map(\.1) == [.milliseconds(20), .milliseconds(40), .milliseconds(80), .milliseconds(160)])
    }

    @Test(arguments: attacks.map(\.name))
    func clientReportsTheErrorAndStaysAlive(attack: String) async throws {
        let (_, bytes, expected) = try #require(Self.attacks.first { $0.name == attack })
        let connects = NIOLockedValueBox(0)
        let server = try await ScriptedMQTTServer.start { packet, version in
            guard case .connect = packet else { return [] }
            let first = connects.withLockedValue { count in count += 1; return count == 1 }
            // Misbehave on the first connection only, then act like a good broker.
            return [ScriptedMQTTServer.connAck(version)] + (first ? [ScriptedMQTTServer.bytes(bytes)] : [])
        }
        let client = makeClient(port: server.port, version: .v5,
                                reconnect: MQTTReconnectPolicy(initialDelay: .milliseconds(50)),
                                maximumIncomingPacketSize: MQTTFrameDecoder.defaultMaximumPacketSize)
        let recorder = EventRecorder(client)
        try await client.connect()

        // The error is reported through the connection state...
        let reported = await recorder.wait { events in
            events.contains { event in
                if case .connectionState(.reconnecting(_, _, .protocolError)) = event { return true }
                if case .connectionState(.reconnecting(_, _, .protocolViolation)) = event { return true }
                return false
            }
        }
        #expect(reported, "states: \(recorder.states)")
        // ...the server was told why, in a v5 DISCONNECT with the matching reason code...
        let disconnects = { server.received.compactMap { if case let .disconnect(d) = $0 { d.reasonCode } else { nil } } }
        await recorder.wait { _ in !disconnects().isEmpty }
        #expect(disconnects().first == expected)
        // ...and the client reconnected and is usable.
        #expect(await recorder.wait { _ in recorder.states.filter(\.isConnected).count >= 2 })
        try await client.publish(to: "still/alive", payload: Array("yes"))
        await client.disconnect()
        await server.stop()
    }

    /// What a web server, a TLS port and a confused server send where a CONNACK should be.
    static let foreignReplies: [(name: String, bytes: [UInt8])] = [
        // Shorter than the 84 bytes its "T" announces as a remaining length: refused from its first byte.
        ("an HTTP response", Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)),
        ("a TLS alert", [0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]),
        ("a SUBACK", [0x90, 0x04, 0x00, 0x01, 0x00, 0x00]),
    ]

    @Test(arguments: foreignReplies.map(\.name))
    func aServerThatIsNotAnMQTTBrokerIsNamedAsSuch(reply: String) async throws {
        let (_, bytes) = try #require(Self.foreignReplies.first { $0.name == reply })
        let server = try await ScriptedMQTTServer.start { packet, _ in
            guard case .connect = packet else { return [] }
            return [ScriptedMQTTServer.bytes(bytes)]
        }
        let client = makeClient(port: server.port, version: .v5)
        await #expect(throws: MQTTClientError.notMQTT(host: "127.0.0.1", port: server.port)) { try await client.connect() }
        #expect(MQTTClientError.notMQTT(host: "127.0.0.1", port: 8123).description
            == "127.0.0.1:8123 did not answer as an MQTT broker (no CONNACK); for MQTT over WebSockets use ws://, for a TLS port --tls")
        await client.disconnect()
        await server.stop()
    }

    @Test func fallsBackTo311WhenTheServerRefusesV5() async throws {
        let server = try await ScriptedMQTTServer.start { packet, version in
            guard case let .connect(connect) = packet else { return [] }
            // A 3.1.1-only server: return code 1, "unacceptable protocol version".
            if connect.version == .v5 { return [ScriptedMQTTServer.bytes([0x20, 0x02, 0x00, 0x01])] }
            return [ScriptedMQTTServer.connAck(version)]
        }
        let client = makeClient(port: server.port, version: nil)
        let info = try await client.connect()
        #expect(info.version == .v311)
        let versions = server.received.compactMap { if case let .connect(c) = $0 { c.version } else { nil } }
        #expect(versions == [.v5, .v311])
        await client.disconnect()
        await server.stop()
    }

    @Test func resolvesTopicAliasesFromTheServer() async throws {
        let server = try await ScriptedMQTTServer.start { packet, version in
            guard case .connect = packet else { return [] }
            let first = PublishPacket(topic: "home/hall/temperature", payload: Array("20"), properties: [.topicAlias(1)])
            let second = PublishPacket(topic: "", payload: Array("21"), properties: [.topicAlias(1)])
            return [ScriptedMQTTServer.connAck(version)]
                + [first, second].compactMap { try? MQTTPacket.publish($0).encoded(version: version) }
        }
        let client = makeClient(port: server.port, version: .v5)
        let recorder = EventRecorder(client)
        try await client.connect()
        let messages = await recorder.messages(count: 2)
        #expect(messages.map(\.topic) == ["home/hall/temperature", "home/hall/temperature"])
        #expect(messages.map(\.text) == ["20", "21"])
        #expect(messages.allSatisfy { $0.properties.topicAlias == nil })
        await client.disconnect()
        await server.stop()
    }

    @Test func honoursRetainAvailableAndMaximumPacketSize() async throws {
        let server = try await ScriptedMQTTServer.start { packet, version in
            guard case .connect = packet else { return [] }
            return [ScriptedMQTTServer.connAck(version, properties: [.retainAvailable(0), .maximumPacketSize(64)])]
        }
        let client = makeClient(port: server.port, version: .v5)
        try await client.connect()
        await #expect(throws: MQTTClientError.retainNotAvailable) {
            try await client.publish(to: "t", payload: Array("x"), retain: true)
        }
        await #expect {
            try await client.publish(to: "t", payload: Array(repeating: 1, count: 100))
        } throws: { error in
            if case .packetTooLarge(_, 64) = error as? MQTTClientError { return true }
            return false
        }
        await client.disconnect()
        await server.stop()
    }

    @Test func resendsInflightWithDupWhenTheSessionIsPresent() async throws {
        let connects = NIOLockedValueBox(0)
        let server = try await ScriptedMQTTServer.start { packet, version in
            switch packet {
            case .connect:
                let count = connects.withLockedValue { $0 += 1; return $0 }
                return [ScriptedMQTTServer.connAck(version, sessionPresent: count > 1)]
            case let .publish(publish) where publish.dup:
                // Only the resent copy is acknowledged.
                return [(try? MQTTPacket.publishAck(PublishAckPacket(.puback, packetID: publish.packetID ?? 0))
                    .encoded(version: version)) ?? ByteBuffer()]
            case .publish:
                // Drop the connection instead of acknowledging the first copy.
                return [ScriptedMQTTServer.bytes([0xE0, 0x01, 0x8B])]
            default:
                return []
            }
        }
        let client = makeClient(port: server.port, version: .v5, reconnect: MQTTReconnectPolicy(initialDelay: .milliseconds(50)),
                                cleanStart: false)
        try await client.connect()
        try await client.publish(to: "flaky", payload: Array("once"), qos: .atLeastOnce)
        let publishes = server.received.compactMap { if case let .publish(p) = $0 { p } else { nil } }
        #expect(publishes.map(\.dup) == [false, true])
        #expect(Set(publishes.map(\.packetID)).count == 1)
        await client.disconnect()
        await server.stop()
    }
}
