import Foundation
import HistoryStore
import MQTT
import MQTTTestSupport
import Testing

/// `hearth replay` against mosquitto: a recorded stretch published again in order, with its
/// retain flags, under a prefix; never into the broker it came from by accident.
@Suite(.serialized, .timeLimit(.minutes(2))) struct ReplayCommandTests {
    /// A mosquitto, and the store `hearth record` would have written for it (under the
    /// environment's `XDG_STATE_HOME`), with `record`'s stretch in it.
    private func withRecordedBroker(_ body: (_ port: Int, _ environment: [String: String]) async throws -> Void) async throws {
        try await Mosquitto.with { broker in
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-replay-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            try await record(port: broker.port(), in: folder)
            try await body(broker.port(), ["XDG_STATE_HOME": folder, "XDG_CONFIG_HOME": folder])
        }
    }

    /// A store at `folder`'s default path for 127.0.0.1:`port`, with a recorded stretch: a
    /// retained state, readings, a topic outside the filter, and a message older than the span.
    private func record(port: Int, in folder: String) async throws {
        let store = try SQLiteStore(path: folder + "/hearth/127.0.0.1-\(port).sqlite")
        let now = Date().timeIntervalSince1970
        func message(_ topic: String, _ payload: String, retain: Bool = false, qos: MQTTQoS = .atMostOnce, ago: Double) -> MQTTMessage {
            MQTTMessage(topic: topic, payload: Array(payload.utf8), qos: qos, retain: retain, receivedAt: Date(timeIntervalSince1970: now - ago))
        }
        try await store.write([
            message("home/hall/temperature", "19", ago: 7200),
            message("home/heater/state", "ON", retain: true, ago: 600),
            message("home/hall/temperature", "21", ago: 590),
            message("office/lamp", "ON", ago: 585),
            message("home/hall/temperature", "21.5", qos: .atLeastOnce, ago: 580),
            message("home/heater/state", "OFF", retain: true, ago: 570),
        ], broker: "127.0.0.1:\(port)")
    }

    @Test func aRecordedStretchIsPublishedInOrderWithItsRetainFlags() async throws {
        try await withRecordedBroker { port, environment in
            // Subscribed once the retained marker arrives.
            try await publish(port, "replay/marker", "ready")
            // MQTT 5 with retain-as-published, QoS 1: the flags as the replay sent them.
            let subscriber = try ChildProcess.launch(["mosquitto_sub", "-p", "\(port)", "-t", "replay/#", "-V", "mqttv5", "--retain-as-published",
                                                      "-q", "1", "-F", "%r %q %t %p", "-C", "5"])
            try await subscriber.waitForOutput("replay/marker ready")
            let replay = try await HearthExecutable.run(["replay", "-h", "127.0.0.1", "-p", "\(port)", "-t", "home/#", "--since", "1h", "--speed", "max", "--prefix", "replay/"],
                                                        environment: environment, timeout: 30)
            #expect(replay.status == 0, "\(replay.stderr)")
            #expect(replay.stderr.contains("replayed 4 messages recorded over 30 s"), "\(replay.stderr)")
            let received = await subscriber.wait(timeout: 20).stdout.split(separator: "\n").dropFirst()
            #expect(Array(received) == ["1 0 replay/home/heater/state ON", "0 0 replay/home/hall/temperature 21",
                                 "0 1 replay/home/hall/temperature 21.5", "1 0 replay/home/heater/state OFF"], "\(received)")
            // The broker now retains the last replayed state, under the prefix only.
            #expect(try await retainedValue("replay/home/heater/state", port: port) == "1 OFF")
            #expect(try await retainedValue("home/heater/state", port: port) == "")
        }
    }

    @Test func intoTheBrokerItCameFromItNeedsAPrefixAndBadFlagsAreOneLine() async throws {
        try await withRecordedBroker { port, environment in
            let cases: [([String], String)] = [
                (["--since", "1h"], "127.0.0.1:\(port) is the broker it would replay into, on the same topics: give --prefix replay/ (or --force)"),
                (["--since", "1h", "--speed", "0", "--prefix", "r/"], "--speed"),
                (["--since", "1h", "--until", "2h", "--prefix", "r/"], "--until must be later than --since"),
                (["--since", "1h", "--from", "nowhere", "--prefix", "r/"], "--from nowhere: not a profile, nor host:port"),
                (["--since", "1h", "--retain", "sometimes", "--prefix", "r/"], "--retain"),
            ]
            for (arguments, expected) in cases {
                let result = try await HearthExecutable.run(["replay", "-h", "127.0.0.1", "-p", "\(port)"] + arguments, environment: environment, timeout: 30)
                let lines = result.stderr.split(separator: "\n")
                #expect(result.status != 0 && lines.count == 1 && lines[0].contains(expected), "\(arguments): \(result.stderr)")
            }
            // --force replays into the recorded topics themselves.
            let forced = try await HearthExecutable.run(["replay", "-h", "127.0.0.1", "-p", "\(port)", "-t", "home/heater/#", "--since", "1h", "--speed", "max", "--force"],
                                                        environment: environment, timeout: 30)
            #expect(forced.status == 0, "\(forced.stderr)")
            #expect(try await retainedValue("home/heater/state", port: port) == "1 OFF")
        }
    }
}
