import MQTT
import MQTTTestSupport
import Testing

/// Retained-message semantics, in both protocol versions, identically on mosquitto and on the embedded broker.
@Suite(.serialized, .timeLimit(.minutes(3))) struct RetainedIntegrationTests {
    @Test(arguments: BrokerKind.allCases, bothVersions)
    func retainedMessageArrivesWithRetainFlagOnSubscribe(kind: BrokerKind, version: MQTTProtocolVersion) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let publisher = makeClient(port: broker.port, version: version)
            try await publisher.connect()
            try await publisher.publish(to: "home/kitchen/temperature", payload: Array("21.5"), qos: .atLeastOnce, retain: true)

            let subscriber = makeClient(port: broker.port, version: version)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            let codes = try await subscriber.subscribe([MQTTSubscription("home/#", qos: .atLeastOnce)])
            #expect(codes == [.grantedQoS1])
            let messages = await recorder.messages(count: 1)
            #expect(messages.count == 1)
            #expect(messages.first?.topic == "home/kitchen/temperature")
            #expect(messages.first?.text == "21.5")
            #expect(messages.first?.retain == true)
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test(arguments: BrokerKind.allCases, bothVersions)
    func liveMessagesArriveWithoutRetainFlag(kind: BrokerKind, version: MQTTProtocolVersion) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let subscriber = makeClient(port: broker.port, version: version)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("live/#")])
            let publisher = makeClient(port: broker.port, version: version)
            try await publisher.connect()
            try await publisher.publish(to: "live/a", payload: Array("1"), qos: .atLeastOnce, retain: true)
            let messages = await recorder.messages(count: 1)
            #expect(messages.map(\.topic) == ["live/a"])
            #expect(messages.first?.retain == false)
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func retainAsPublishedKeepsTheFlagOnLiveMessages(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let subscriber = makeClient(port: broker.port, version: .v5)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("rap/#", retainAsPublished: true)])
            let publisher = makeClient(port: broker.port, version: .v5)
            try await publisher.connect()
            try await publisher.publish(to: "rap/retained", payload: Array("r"), qos: .atLeastOnce, retain: true)
            try await publisher.publish(to: "rap/live", payload: Array("l"), qos: .atLeastOnce, retain: false)
            let messages = await recorder.messages(count: 2)
            #expect(messages.map(\.topic) == ["rap/retained", "rap/live"])
            #expect(messages.map(\.retain) == [true, false])
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test(arguments: BrokerKind.allCases, bothVersions)
    func emptyRetainedPayloadClearsTheValue(kind: BrokerKind, version: MQTTProtocolVersion) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let publisher = makeClient(port: broker.port, version: version)
            try await publisher.connect()
            try await publisher.publish(to: "clear/me", payload: Array("x"), qos: .atLeastOnce, retain: true)
            try await publisher.publish(to: "clear/me", payload: [], qos: .atLeastOnce, retain: true)
            // A marker published retained after the clear: once it arrives, anything retained before it has too.
            try await publisher.publish(to: "clear/marker", payload: Array("m"), qos: .atLeastOnce, retain: true)

            let subscriber = makeClient(port: broker.port, version: version)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("clear/#", qos: .atLeastOnce)])
            let messages = await recorder.messages(count: 1)
            #expect(messages.map(\.topic) == ["clear/marker"])
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }
}
