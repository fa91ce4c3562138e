import Foundation
import MQTT
import MQTTTestSupport
import Testing

/// The client against a real mosquitto (and, where the embedded broker has the feature, against it
/// too): QoS flows, credentials, TLS, v5 properties and reconnects.
@Suite(.serialized, .timeLimit(.minutes(3))) struct ClientIntegrationTests {
    @Test(arguments: BrokerKind.allCases, bothVersions)
    func qos1And2RoundTrips(kind: BrokerKind, version: MQTTProtocolVersion) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let subscriber = makeClient(port: broker.port, version: version)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            let codes = try await subscriber.subscribe([MQTTSubscription("q/#", qos: .exactlyOnce)])
            #expect(codes == [.grantedQoS2])
            let publisher = makeClient(port: broker.port, version: version)
            try await publisher.connect()
            try await publisher.publish(to: "q/one", payload: Array("1"), qos: .atLeastOnce)
            try await publisher.publish(to: "q/two", payload: Array("2"), qos: .exactlyOnce)
            // Several QoS 2 flows in flight at once complete independently.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for index in 0..<20 {
                    group.addTask { try await publisher.publish(to: "q/many", payload: Array("\(index)"), qos: .exactlyOnce) }
                }
                try await group.waitForAll()
            }
            let messages = await recorder.messages(count: 22)
            #expect(messages.count == 22)
            #expect(messages.prefix(2).map(\.qos) == [.atLeastOnce, .exactlyOnce])
            #expect(Set(messages.dropFirst(2).map(\.text)) == Set((0..<20).map { "\($0)" }))
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test(arguments: BrokerKind.allCases, bothVersions)
    func wrongPasswordIsRefusedWithTheReason(kind: BrokerKind, version: MQTTProtocolVersion) async throws {
        try await LoopbackBroker.with(kind, user: ("hearth", "secret")) { broker in
            let port = broker.port
            let good = makeClient(port: port, version: version, username: "hearth", password: "secret")
            try await good.connect()
            await good.disconnect()

            let bad = makeClient(port: port, version: version, username: "hearth", password: "wrong")
            do {
                try await bad.connect()
                Issue.record("connected with a wrong password")
            } catch let error as MQTTClientError {
                // 3.1.1 says "bad user name or password" (4) or "not authorized" (5); mosquitto picks per version.
                guard case let .connectionRefused(code, _) = error else { return #expect(Bool(false), "\(error)") }
                #expect(code == .badUsernameOrPassword || code == .notAuthorized)
                #expect(error.description.hasPrefix("connection refused by the broker: "))
            }
            if case .closed(.some) = await bad.state {} else { Issue.record("state should be closed with the error") }
        }
    }

    @Test func tlsWithTheRightCAConnectsAndAWrongCAIsRefused() async throws {
        try await Mosquitto.with(listeners: [.tls, .anonymous]) { broker in
            let port = broker.port(.tls)
            let good = makeClient(port: port, host: "localhost", tls: MQTTTLSOptions(caFile: broker.caFile))
            let recorder = EventRecorder(good)
            try await good.connect()
            try await good.subscribe([MQTTSubscription("tls/#")])
            try await good.publish(to: "tls/x", payload: Array("secure"), qos: .atLeastOnce)
            #expect(await recorder.messages(count: 1).map(\.text) == ["secure"])
            await good.disconnect()

            let wrong = makeClient(port: port, host: "localhost", tls: MQTTTLSOptions(caFile: broker.wrongCAFile))
            await #expect {
                try await wrong.connect()
            } throws: { error in
                guard case let .tls(failure) = error as? MQTTClientError else { return false }
                // The handshake's own error is kept, and the one line names the reason.
                return failure.reason == .handshake && failure.underlying != nil
                    && failure.description.contains("certificate verify failed")
            }

            let insecure = makeClient(port: port, host: "127.0.0.1", tls: MQTTTLSOptions(insecure: true))
            try await insecure.connect()
            await insecure.disconnect()

            // TLS to a plain port: one line, without stray spaces.
            let tlsToPlain = makeClient(port: broker.port(), host: "127.0.0.1", tls: MQTTTLSOptions(insecure: true))
            await #expect {
                try await tlsToPlain.connect()
            } throws: { error in
                let text = "\(error)"
                return !text.contains("  ") && !text.contains("\n")
            }
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func v5PropertiesPassThrough(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let subscriber = makeClient(port: broker.port, version: .v5)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("props/#", qos: .atLeastOnce)])
            let publisher = makeClient(port: broker.port, version: .v5)
            try await publisher.connect()
            let sent: MQTTProperties = [.payloadFormatIndicator(1), .messageExpiryInterval(300),
                                        .contentType("application/json"), .responseTopic("props/reply"),
                                        .correlationData([0xCA, 0xFE]), .userProperty("room", "kitchen"),
                                        .userProperty("room", "hall")]
            try await publisher.publish(to: "props/a", payload: Array("{}"), qos: .atLeastOnce, properties: sent)
            let message = try #require(await recorder.messages(count: 1).first)
            #expect(message.properties.contentType == "application/json")
            #expect(message.properties.responseTopic == "props/reply")
            #expect(message.properties.correlationData == [0xCA, 0xFE])
            #expect(message.properties.payloadFormatIndicator == 1)
            #expect((message.properties.messageExpiryInterval ?? 0) > 0)
            #expect(message.properties.userProperties.map { "\($0.key)=\($0.value)" } == ["room=kitchen", "room=hall"])
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test(arguments: BrokerKind.allCases, bothVersions)
    func reconnectsAfterTheBrokerIsKilledAndGetsRetainedValuesAgain(kind: BrokerKind, version: MQTTProtocolVersion) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let client = makeClient(port: broker.port, version: version,
                                    reconnect: MQTTReconnectPolicy(initialDelay: .milliseconds(100), maximumDelay: .seconds(1)))
            let recorder = EventRecorder(client)
            try await client.connect()
            try await client.subscribe([MQTTSubscription("r/#", qos: .atLeastOnce)])
            try await client.publish(to: "r/state", payload: Array("before"), qos: .atLeastOnce, retain: true)
            #expect(await recorder.messages(count: 1).count == 1)

            await broker.stop()
            #expect(await recorder.wait { events in
                events.contains { if case .connectionState(.reconnecting) = $0 { true } else { false } }
            })
            try await broker.launch()
            // The new broker has no retained values; once reconnected, publish one and expect it
            // back through the subscription the client restored on its own.
            #expect(await recorder.wait { _ in recorderConnections(recorder) >= 2 })
            let publisher = makeClient(port: broker.port, version: version)
            try await publisher.connect()
            try await publisher.publish(to: "r/state", payload: Array("after"), qos: .atLeastOnce, retain: true)
            await publisher.disconnect()
            let messages = await recorder.messages(count: 2)
            #expect(messages.map(\.text) == ["before", "after"])

            // A fresh subscription on the reconnected client gets the retained value with retain=1.
            try await client.subscribe([MQTTSubscription("r/state")])
            let again = await recorder.messages(count: 3)
            #expect(again.last?.retain == true)
            #expect(again.last?.text == "after")
            await client.disconnect()
        }
    }

    private func recorderConnections(_ recorder: EventRecorder) -> Int {
        recorder.states.filter(\.isConnected).count
    }

    @Test func publishLargerThanTheBrokersMaximumIsRefusedClearly() async throws {
        try await Mosquitto.with(extraConfig: "max_packet_size 1000") { broker in
            let client = makeClient(port: broker.port(), version: .v5)
            try await client.connect()
            let error = await #expect(throws: MQTTClientError.self) {
                try await client.publish(to: "big", payload: Array(repeating: 0, count: 5000))
            }
            // Clearly: the size and the broker's limit, in words.
            #expect(error == .packetTooLarge(size: 5009, limit: 1000), "\(String(describing: error))")
            #expect(error.map { "\($0)" } == "message too large: 5009 bytes, the broker accepts at most 1000")
            // The connection is still usable afterwards.
            try await client.publish(to: "small", payload: Array("ok"), qos: .atLeastOnce)
            await client.disconnect()
        }
    }
}
