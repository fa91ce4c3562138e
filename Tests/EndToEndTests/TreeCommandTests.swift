import Foundation
import MQTT
import MQTTTestSupport
import Testing

/// `hearth tree` against a real mosquitto.
@Suite(.serialized, .timeLimit(.minutes(3))) struct TreeCommandTests {
    @Test(arguments: BrokerKind.allCases, ["mqttv5", "mqttv311"])
    func printsRetainedStateAndNumbers(kind: BrokerKind, version: String) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let port = "\(broker.port)"
            let pub = { (args: [String]) in _ = try await ChildProcess.run(["mosquitto_pub", "-p", port] + args) }
            try await pub(["-t", "zigbee2mqtt/hall", "-r", "-m", #"{"humidity":48.2,"temperature":21.7}"#])
            try await pub(["-t", "home/door", "-r", "-m", "closed"])
            try await pub(["-t", "home/gone", "-r", "-m", "x"])
            try await pub(["-t", "home/gone", "-r", "-n"])
            try await pub(["-t", "homeassistant/sensor/esp/t/config", "-r",
                           "-m", #"{"state_topic":"esp/t/state","unit_of_measurement":"°C"}"#])
            try await pub(["-t", "esp/t/state", "-r", "-m", "21.4"])

            let json = try await HearthExecutable.run(["tree", "-p", port, "-V", version, "-F", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            let objects = try json.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            let byTopic = Dictionary(uniqueKeysWithValues: objects.map { ($0["topic"] as? String ?? "", $0) })
            // The cleared topic is not retained any more: the broker does not send it at all.
            #expect(byTopic.keys.sorted() == ["esp/t/state", "home/door", "homeassistant/sensor/esp/t/config", "zigbee2mqtt/hall"])
            #expect(byTopic["home/door"]?["retained_state"] as? String == "shown")
            #expect(byTopic["home/door"]?["retained"] as? Bool == true)
            #expect(byTopic["zigbee2mqtt/hall"]?["primary"] as? String == "temperature")
            #expect(byTopic["zigbee2mqtt/hall"]?["primary_value"] as? Double == 21.7)
            #expect((byTopic["zigbee2mqtt/hall"]?["series"] as? [String: Double]) == ["humidity": 48.2, "temperature": 21.7])
            #expect(byTopic["esp/t/state"]?["unit"] as? String == "°C")

            let text = try await HearthExecutable.run(["tree", "-p", port, "-V", version, "--depth", "1"])
            #expect(text.stdout.hasPrefix("4 topics, 4 messages, 4 retained\n"))
            #expect(text.stdout.contains("├── home  (1 topic, 1 msg, 1 retained)"))
            #expect(!text.stdout.contains("door"))
        }
    }

    /// Runs `body` with the port of a mosquitto that retains `home/door` and gets `payload` on
    /// `topic` ten times a second (retained or not), once the first of those has arrived.
    static func withChattyTopic(_ topic: String, _ payload: String, retain: Bool, _ body: (String) async throws -> Void) async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "home/door", "-r", "-m", "closed"])
            let loop = try ChildProcess.launch(["sh", "-c", "while true; do mosquitto_pub -p \(port) -t '\(topic)' \(retain ? "-r " : "")-m '\(payload)'; sleep 0.1; done"])
            defer { loop.signal(SIGKILL) }
            let reading = try await ChildProcess.run(["mosquitto_sub", "-p", port, "-t", topic, "-C", "2", "-W", "10"])
            try #require(reading.stdout.split(separator: "\n").count == 2, "\(topic) is published: \(reading.stderr)")
            try await body(port)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aChattyLiveTopicDoesNotHoldTheTreeBack() async throws {
        // A power meter that never pauses for 500 ms: ten readings a second, not retained.
        try await Self.withChattyTopic("meter/power", "230", retain: false) { port in
            let tree = try await HearthExecutable.run(["tree", "-p", port, "--retained-only"], timeout: 30)
            #expect(tree.status == 0 && tree.stdout.contains("door") && tree.stderr.isEmpty, "\(tree.stdout)\(tree.stderr)")
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func jsonCarriesTheWholeValueOrSaysItIsCut() async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            // A 4 KiB JSON payload (a zigbee2mqtt bridge's device list is larger still).
            let fields = (0..<200).map { #""sensor_\#($0)":{"t":\#(20 + Double($0) / 10),"u":"°C"}"# }
            let document = "{" + fields.joined(separator: ",") + "}"
            try #require(document.utf8.count > 4096)
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "bridge/devices", "-r", "-m", document])
            // Over the 64 KiB the model keeps, and a é split at the cut.
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "big", "-r", "-m", String(repeating: "a", count: 65_535) + "é" + "zz"])
            let tree = try await HearthExecutable.run(["tree", "-p", port, "-F", "json"])
            #expect(tree.status == 0, "\(tree.stderr)")
            let objects = try tree.stdout.split(separator: "\n").map {
                try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
            }
            let devices = try #require(objects.first { $0["topic"] as? String == "bridge/devices" })
            let value = try #require(devices["value"] as? String)
            #expect(value == document && devices["value_truncated"] == nil)
            let parsed = try #require(try JSONSerialization.jsonObject(with: Data(value.utf8)) as? [String: Any])
            #expect(parsed.count == 200)
            let big = try #require(objects.first { $0["topic"] as? String == "big" })
            #expect(big["value_truncated"] as? Bool == true && big["size"] as? Int == 65_539)
            #expect((big["value"] as? String)?.utf8.count == 65_535, "the cut character is left off, the text stays text")
        }
    }

    @Test(.timeLimit(.minutes(1)), arguments: ["mqttv5", "mqttv311"])
    func aDeviceRepublishingWithRetainDoesNotHoldTheTreeBack(version: String) async throws {
        // A zigbee2mqtt-style device that publishes its live state with retain on, every 100 ms.
        try await Self.withChattyTopic("zigbee2mqtt/plug", #"{"power":12}"#, retain: true) { port in
            let started = ContinuousClock.now
            let tree = try await HearthExecutable.run(["tree", "-p", port, "-V", version, "-F", "json"], timeout: 30)
            let took = ContinuousClock.now - started
            #expect(tree.status == 0 && tree.stdout.contains("home/door") && tree.stdout.contains("zigbee2mqtt/plug"), "\(tree.stdout)\(tree.stderr)")
            // Settled on the subscription's answer, not held to the 10 s cap (which warns).
            #expect(tree.stderr.isEmpty, "\(tree.stderr)")
            #expect(took < .seconds(10), "\(took)")
        }
    }

    @Test(arguments: BrokerKind.allCases)
    func liveUpdatesKeepTheRetainedMarkHonest(kind: BrokerKind) async throws {
        try await LoopbackBroker.with(kind) { broker in
            let port = "\(broker.port)"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "light", "-r", "-m", "ON"])
            let tree = try ChildProcess.launch([HearthExecutable.path, "tree", "-p", port, "-C", "3", "-F", "json", "-d"])
            // -d logs packets on stderr: once SUBACK is in, live messages reach hearth.
            try await tree.waitForOutput("received SUBACK")
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "light", "-m", "OFF"])
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "switch", "-r", "-m", "1"])
            let result = await tree.wait(timeout: 20)
            #expect(result.status == 0, "\(result.stderr)")
            // v5 with retain-as-published: "light" holds ON while OFF is shown; "switch" was published retained.
            #expect(result.stdout.contains(#"{"topic":"light","messages":2,"retained":true,"retained_state":"held","value":"OFF""#))
            #expect(result.stdout.contains(#""topic":"switch","messages":1,"retained":true,"retained_state":"shown""#))
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func sortedByRateWithTheRatesAFixtureSent() async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            let tree = try ChildProcess.launch([HearthExecutable.path, "tree", "-p", port, "-t", "fixture/#", "--sort", "rate", "-F", "json",
                                                "-W", "6", "-d"])
            try await tree.waitForOutput("received SUBACK")
            // 40 messages of 10 bytes on one topic, 4 of 100 bytes on another, within the window.
            let fast = String(repeating: "0123456789\n", count: 40), slow = String(repeating: String(repeating: "x", count: 100) + "\n", count: 4)
            for (topic, lines) in [("fixture/fast", fast), ("fixture/slow", slow)] {
                let sent = try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", topic, "-l"], input: Array(lines.utf8))
                #expect(sent.status == 0, "\(sent.stderr)")
            }
            let result = await tree.wait(timeout: 30)
            let objects = result.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            #expect(result.status == 0 && objects.map { $0["topic"] as? String } == ["fixture/fast", "fixture/slow"], "\(result.stdout)\(result.stderr)")
            guard objects.count == 2, let fastRate = objects[0]["rate_10s"] as? Double, let slowRate = objects[1]["rate_10s"] as? Double,
                  let fastBytes = objects[0]["bytes_1m"] as? Double, let slowBytes = objects[1]["bytes_1m"] as? Double else { return }
            // Both over the same time since listening began: ten times the messages, a tenth of the bytes each.
            #expect(abs(fastRate / slowRate - 10) < 0.5, "\(fastRate) vs \(slowRate)")
            #expect(abs(fastBytes / slowBytes - 1) < 0.05, "\(fastBytes) vs \(slowBytes)")
            // Over the time since listening began (at most the 6 s window and the printing), not the 10 s window (4.0).
            #expect(fastRate > 40.0 / 8, "40 messages within 6 s of listening: \(fastRate)")
        }
    }
}

/// `hearth tree` on a retained topic of 25,000 levels (50 KB): no crash, and output linear in depth.
@Suite(.timeLimit(.minutes(3))) struct DeepTreeCommandTests {
    @Test(.timeLimit(.minutes(1))) func aDeepTopicPrintsInBothFormats() async throws {
        // Deeper than brokers allow by default (200 levels): the embedded one, told to allow it.
        try await LoopbackBroker.with(.embedded, configure: { $0.maximumTopicLevels = 30_000 }) { broker in
            let port = "\(broker.port)"
            let deep = Array(repeating: "a", count: 25_000).joined(separator: "/")
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-r", "-t", deep, "-m", "21.5"])
            let json = try await HearthExecutable.run(["tree", "-p", port, "-F", "json"])
            #expect(json.status == 0, "\(json.stderr)")
            #expect(json.stdout.contains(#""topic":"a/a/a/"#) && json.stdout.contains(#""retained_state":"shown""#))
            let text = try await HearthExecutable.run(["tree", "-p", port])
            #expect(text.status == 0, "\(text.stderr)")
            #expect(text.stdout.hasPrefix("1 topic, 1 message, 1 retained\n"))
            #expect(text.stdout.split(separator: "\n").count == 25_001)
            // Guides stop after 32 levels: about 200 bytes a line, not the square of the depth
            // (a gigabyte and more).
            #expect(text.stdout.utf8.count < 25_001 * 250, "\(text.stdout.utf8.count) bytes")
            #expect(text.stdout.contains("┆ +24967 levels └── a  (1 msg)  ◉ retained  = 21.5"))
        }
    }
}

/// A server that closes right after the last message a command asked for.
@Suite(.timeLimit(.minutes(3))) struct CountedRunTests {
    @Test(.timeLimit(.minutes(1)), arguments: ["tree", "sub"])
    func aCompleteRunEndsWithoutAWarning(command: String) async throws {
        let server = try await ScriptedMQTTServer.start { packet, version in
            switch packet {
            case .connect: return [ScriptedMQTTServer.connAck(version)]
            case let .subscribe(subscribe):
                let suback = SubscriptionAckPacket(.suback, packetID: subscribe.packetID, reasonCodes: [.success])
                return [ScriptedMQTTServer.packet(.subscriptionAck(suback), version)]
                    + (1...3).map { ScriptedMQTTServer.packet(.publish(PublishPacket(topic: "t/\($0)", payload: Array("\($0)".utf8))), version) }
                    + [ScriptedMQTTServer.close]
            default: return []
            }
        }
        let result = try await HearthExecutable.run([command, "-p", "\(server.port)", "-t", "#", "-C", "3"])
        #expect(result.status == 0)
        #expect(result.stderr == "", "all 3 messages arrived: nothing to warn about")
    }
}
