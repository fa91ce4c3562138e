import Foundation
import MQTT
import MQTTBroker
import MQTTTestSupport
import NIOCore
import Synchronization
import Testing

/// The embedded broker's own rules: sessions, retain handling, $SYS, persistence, bad clients, limits.
@Suite(.timeLimit(.minutes(3))) struct EmbeddedBrokerTests {
    @Test(arguments: [MQTTProtocolVersion.v311, .v5])
    func persistentSessionsKeepSubscriptionsAndQueuedMessages(version: MQTTProtocolVersion) async throws {
        try await withBroker { broker, port in
            let id = "persistent-\(version)"
            // 5.0 keeps a session only with a session expiry interval.
            let subscriber = makeClient(port: port, version: version, clientID: id, cleanStart: false,
                                        sessionExpiry: version == .v5 ? 300 : 0)
            let first = try await subscriber.connect()
            #expect(first.sessionPresent == false)
            try await subscriber.subscribe([MQTTSubscription("queue/#", qos: .atLeastOnce)])
            await subscriber.disconnect()

            let publisher = makeClient(port: port, version: version)
            try await publisher.connect()
            for index in 0..<5 { try await publisher.publish(to: "queue/\(index)", payload: Array("\(index)".utf8), qos: .atLeastOnce) }
            try await publisher.publish(to: "queue/zero", payload: Array("qos0".utf8))  // QoS 0 is not kept offline
            await publisher.disconnect()

            let again = MQTTClient(configuration: subscriber.configuration)
            let recorder = EventRecorder(again)
            let second = try await again.connect()
            #expect(second.sessionPresent)
            let messages = await recorder.messages(count: 5)
            #expect(messages.map(\.text) == ["0", "1", "2", "3", "4"])
            #expect(messages.allSatisfy { $0.qos == .atLeastOnce })
            await again.disconnect()
        }
    }

    @Test func retainHandlingOptions() async throws {
        try await withBroker { broker, port in
            let publisher = makeClient(port: port)
            try await publisher.connect()
            try await publisher.publish(to: "r/a", payload: Array("A".utf8), qos: .atLeastOnce, retain: true)
            let subscriber = makeClient(port: port)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("r/#", retainHandling: .doNotSend)])
            try await subscriber.subscribe([MQTTSubscription("r/+", retainHandling: .sendIfNew)])
            try await subscriber.subscribe([MQTTSubscription("r/+", retainHandling: .sendIfNew)])  // not new: nothing
            try await subscriber.subscribe([MQTTSubscription("+/a", retainHandling: .sendAlways)])
            try await subscriber.subscribe([MQTTSubscription("+/a", retainHandling: .sendAlways)])  // again: sent again
            let messages = await recorder.messages(count: 3)
            #expect(messages.count == 3)
            #expect(messages.allSatisfy { $0.topic == "r/a" && $0.retain })
            await subscriber.disconnect()
            await publisher.disconnect()
        }
    }

    @Test func sysTopicsCountClientsAndMessagesAndHideFromHash() async throws {
        try await withBroker({ $0.sysInterval = .milliseconds(100) }) { broker, port in
            let watcher = makeClient(port: port)
            let recorder = EventRecorder(watcher)
            try await watcher.connect()
            try await watcher.subscribe([MQTTSubscription("$SYS/broker/clients/connected"), MQTTSubscription("#")])
            let publisher = makeClient(port: port)
            try await publisher.connect()
            try await publisher.publish(to: "x", payload: Array("1".utf8), qos: .atLeastOnce, retain: true)
            await recorder.wait { _ in recorder.messages.contains { $0.topic == "$SYS/broker/clients/connected" && $0.text == "2" } }
            await recorder.wait { _ in recorder.messages.contains { $0.topic == "x" } }
            let messages = recorder.messages
            #expect(messages.contains { $0.topic == "$SYS/broker/clients/connected" && $0.text == "2" })
            #expect(messages.contains { $0.topic == "x" })
            // "#" does not match $SYS topics: the only $SYS topic that arrived is the one subscribed by
            // name, though the broker publishes a dozen (messages received, uptime, ...).
            let sys = Set(messages.map(\.topic).filter { $0.hasPrefix("$SYS") })
            #expect(sys == ["$SYS/broker/clients/connected"], "\(sys)")
            let statistics = try await broker.statistics()
            #expect(statistics.clientsConnected == 2)
            #expect(statistics.retainedMessages == 1)
            #expect(statistics.messagesReceived >= 1)
            await publisher.disconnect()
            await watcher.disconnect()
        }
    }

    @Test func retainedMessagesSurviveARestartWithPersistence() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-retained-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        // The first broker stops (and saves) when its scope ends.
        try await withBroker({ $0.persistencePath = path }) { _, port in
            let publisher = makeClient(port: port)
            try await publisher.connect()
            try await publisher.publish(to: "keep/a", payload: Array("kept".utf8), qos: .atLeastOnce, retain: true)
            try await publisher.publish(to: "keep/b", payload: Array("gone".utf8), qos: .atLeastOnce, retain: true)
            try await publisher.publish(to: "keep/b", payload: [], qos: .atLeastOnce, retain: true)
            await publisher.disconnect()
        }

        try await withBroker({ $0.persistencePath = path }) { second, port2 in
            let subscriber = makeClient(port: port2)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("keep/#")])
            let messages = await recorder.messages(count: 1)
            #expect(messages.map(\.topic) == ["keep/a"])
            #expect(messages.first?.retain == true)
            // Once, not twice: a marker published after it arrives with nothing else before it.
            try await subscriber.publish(to: "keep/marker", payload: Array("m".utf8), qos: .atLeastOnce)
            let both = await recorder.messages(count: 2)
            #expect(both.map(\.topic) == ["keep/a", "keep/marker"])
            await subscriber.disconnect()
        }
    }

    @Test func retainedMessagesAreSavedAtTheIntervalWithoutAStop() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-retained-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try await withBroker({ $0.persistencePath = path; $0.persistenceInterval = .milliseconds(100) }) { _, port in
            let publisher = makeClient(port: port)
            try await publisher.connect()
            try await publisher.publish(to: "$app/state", payload: Array("kept too".utf8), qos: .atLeastOnce, retain: true)
            try await publisher.publish(to: "keep/a", payload: Array("kept".utf8), qos: .atLeastOnce, retain: true)
            // Written by the persistence queue at the next interval, as a kill -9 would find it.
            // (JSON writes the topic's slash as \/.)
            try await waitUntil("the retained message saved") {
                (try? String(contentsOfFile: path, encoding: .utf8))?.contains(#""topic":"keep\/a""#) == true
            }
            let saved = try String(contentsOfFile: path, encoding: .utf8)
            #expect(saved.contains(#""topic":"keep\/a""#) && saved.contains(#""topic":"$app\/state""#), "only $SYS is the broker's own: \(saved)")
            await publisher.disconnect()
        }
    }

    @Test func aPersistenceFileThatCannotBeReadIsOneLineAndTheBrokerStartsEmpty() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-retained-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try Data("not json".utf8).write(to: URL(fileURLWithPath: path))
        let reports = Mutex<[String]>([])
        try await withBroker({ $0.persistencePath = path; $0.report = { line in reports.withLock { $0.append(line) } } }) { broker, _ in
            let retained = try await broker.statistics().retainedMessages
            #expect(retained == 0)
        }
        let lines = reports.withLock { $0 }
        #expect(lines.count == 1 && lines[0].hasPrefix("cannot read retained messages from \(path)") && !lines[0].contains("\n"), "\(lines)")
    }

    @Test func aClientSendingGarbageIsDroppedWithoutDisturbingOthers() async throws {
        try await withBroker { broker, port in
            let subscriber = makeClient(port: port)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("ok/#")])

            let garbage = try RawSocket(port: port)
            garbage.send(try RawSocket.connectPacket(clientID: "garbage", keepAlive: 60))
            garbage.send([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array(repeating: 0x41, count: 64))  // a 5-byte length
            _ = garbage.readUntilClosed()  // the broker closes it

            let noise = try RawSocket(port: port)
            noise.send(Array("GET / HTTP/1.1\r\nHost: x\r\n\r\n".utf8))
            _ = noise.readUntilClosed()

            let publisher = makeClient(port: port)
            try await publisher.connect()
            try await publisher.publish(to: "ok/still", payload: Array("fine".utf8), qos: .atLeastOnce)
            #expect(await recorder.messages(count: 1).map(\.text) == ["fine"])
            #expect(await subscriber.state.isConnected)
            await publisher.disconnect()
            await subscriber.disconnect()
        }
    }

    @Test func aSilentClientIsDisconnectedAfterItsKeepAliveAndItsWillIsPublished() async throws {
        try await withBroker { broker, port in
            let watcher = makeClient(port: port)
            let recorder = EventRecorder(watcher)
            try await watcher.connect()
            try await watcher.subscribe([MQTTSubscription("wills/#")])
            let silent = try RawSocket(port: port)
            silent.send(try RawSocket.connectPacket(clientID: "silent", keepAlive: 1, willTopic: "wills/silent"))
            let received = silent.readUntilClosed()
            #expect(received.first == 0x20, "CONNACK first")
            #expect(await recorder.messages(count: 1).map(\.topic) == ["wills/silent"])
            await watcher.disconnect()
        }
    }

    @Test func fullQueuesDropAndCountIt() async throws {
        try await withBroker({ $0.maximumQueuedMessages = 3 }) { broker, port in
            let id = "slowpoke"
            let subscriber = makeClient(port: port, version: .v311, clientID: id, cleanStart: false)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("flood/#", qos: .atLeastOnce)])
            // Offline, the session queues QoS 1 messages up to the limit.
            await subscriber.disconnect()
            let publisher = makeClient(port: port)
            try await publisher.connect()
            for index in 0..<10 { try await publisher.publish(to: "flood/\(index)", payload: [1], qos: .atLeastOnce) }
            await publisher.disconnect()
            #expect(try await broker.statistics().messagesDropped == 7)
        }
    }

    @Test func aSecondConnectionWithTheSameIDTakesOver() async throws {
        try await withBroker { broker, port in
            let first = makeClient(port: port, clientID: "twin")
            try await first.connect()
            let second = makeClient(port: port, clientID: "twin")
            try await second.connect()
            let deadline = Date().addingTimeInterval(10)
            while await first.state.isConnected, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(await !first.state.isConnected)
            #expect(await second.state.isConnected)
            await second.disconnect()
        }
    }

    @Test func aDelayedWillWaitsAndAReconnectCancelsIt() async throws {
        try await withBroker { broker, port in
            let watcher = makeClient(port: port)
            let recorder = EventRecorder(watcher)
            try await watcher.connect()
            try await watcher.subscribe([MQTTSubscription("gone/#")])
            func will(_ topic: String, delay: UInt32) -> MQTTWill {
                MQTTWill(topic: topic, payload: Array("bye".utf8), properties: [.willDelayInterval(delay)])
            }
            func delayed() async throws -> Int { try await broker.statistics().delayedWills }

            // Back within the delay: the will is cancelled. (The session outlives the connection:
            // a will never waits past its session's end.)
            let patient = makeClient(port: port, clientID: "patient", sessionExpiry: 3600, will: will("gone/patient", delay: 600))
            try await patient.connect()
            await patient.abandon()
            let deadline = Date().addingTimeInterval(20)
            while try await delayed() == 0, Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
            #expect(try await delayed() == 1)
            // Back on the same session (a clean start would end it, and send the will).
            let back = makeClient(port: port, clientID: "patient", cleanStart: false, sessionExpiry: 3600)
            try await back.connect()
            #expect(try await delayed() == 0)
            await back.disconnect()

            // Not back: the will goes once the delay is over.
            let brief = makeClient(port: port, clientID: "brief", sessionExpiry: 3600, will: will("gone/brief", delay: 1))
            try await brief.connect()
            await brief.abandon()
            let messages = await recorder.messages(count: 1)
            #expect(messages.map(\.topic) == ["gone/brief"])
            #expect(messages.first?.properties.willDelayInterval == nil)
            await watcher.disconnect()
        }
    }

    @Test func queuedAndRetainedMessagesCarryTheExpiryThatRemains() async throws {
        try await withBroker { broker, port in
            let offline = makeClient(port: port, clientID: "offline", cleanStart: false, sessionExpiry: 600)
            try await offline.connect()
            try await offline.subscribe([MQTTSubscription("exp/#", qos: .atLeastOnce)])
            await offline.disconnect()

            let publisher = makeClient(port: port)
            try await publisher.connect()
            // Expired messages are dropped by the rule `BrokerMessageTests` checks on its own clock;
            // here, both paths (queue and retained store) forward what remains of the interval.
            try await publisher.publish(to: "exp/long", payload: Array("exp/long".utf8), qos: .atLeastOnce, retain: true,
                                        properties: [.messageExpiryInterval(600)])
            await publisher.disconnect()

            let back = MQTTClient(configuration: offline.configuration)
            let queued = EventRecorder(back)
            try await back.connect()
            let fromQueue = await queued.messages(count: 1)
            #expect(fromQueue.map(\.topic) == ["exp/long"])
            let remaining = try #require(fromQueue.first?.properties.messageExpiryInterval)
            #expect(remaining > 0 && remaining < 600)

            let late = makeClient(port: port)
            let retained = EventRecorder(late)
            try await late.connect()
            try await late.subscribe([MQTTSubscription("exp/#")])
            #expect(await retained.messages(count: 1).map(\.topic) == ["exp/long"])
            await late.disconnect()
            await back.disconnect()
            // Only "exp/long" was queued and retained: a second message would have been the expired one.
            #expect(queued.messages.count == 1 && retained.messages.count == 1)
        }
    }

    @Test func aBurstReachesAFastSubscriberWhole() async throws {
        try await withBroker { broker, port in
            let subscriber = makeClient(port: port)
            let recorder = EventRecorder(subscriber)
            try await subscriber.connect()
            try await subscriber.subscribe([MQTTSubscription("burst/#")])
            // 20,000 QoS 0 messages in one write: far more than one socket buffer, unflushed.
            var stream = ByteBuffer()
            for index in 0..<20_000 {
                try MQTTPacket.publish(PublishPacket(topic: "burst/\(index % 100)", payload: Array(repeating: 7, count: 40)))
                    .write(to: &stream, version: .v311)
            }
            let publisher = try RawSocket(port: port)
            publisher.send(try RawSocket.connectPacket(clientID: "burst", keepAlive: 60))
            publisher.send(Array(stream.readableBytesView))
            #expect(await recorder.messages(count: 20_000).count == 20_000)
            #expect(try await broker.statistics().messagesDropped == 0)
            await subscriber.disconnect()
        }
    }
}
