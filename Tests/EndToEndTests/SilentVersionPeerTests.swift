import Foundation
import MQTTTestSupport
import Testing

/// amqtt speaks only MQTT 3.1.1 and never answers a 5.0 CONNECT. With the default version every
/// command connects anyway: 5.0 first, 3.1.1 after a short silence, said once on stderr.
@Suite(.serialized, .timeLimit(.minutes(2)))
struct SilentVersionPeerTests {
    static let said = "did not answer MQTT 5.0 within 1.5 seconds; speaking MQTT 3.1.1"

    /// Said exactly once.
    static func saidOnce(_ stderr: String) -> Bool { stderr.components(separatedBy: said).count == 2 }

    @Test func pubSubTreeAndRecordConnectWithTheDefaultVersionOverTCPAndWebSockets() async throws {
        try await Amqtt.with { broker in
            let tcp = ["-p", "\(broker.tcpPort)"]
            let published = try await HearthExecutable.run(["pub"] + tcp + ["-q", "1", "-r", "-t", "fallback/door", "-m", "closed"], timeout: 30)
            #expect(published.status == 0 && Self.saidOnce(published.stderr), "\(published.stderr)")
            let received = try await HearthExecutable.run(["sub"] + tcp + ["-t", "fallback/#", "-C", "1", "-v"], timeout: 30)
            #expect(received.stdout == "fallback/door closed\n" && Self.saidOnce(received.stderr), "\(received.stdout)\(received.stderr)")
            let overWebSockets = try await HearthExecutable.run(["sub", "-L", "ws://127.0.0.1:\(broker.webSocketPort)/mqtt", "-t", "fallback/#", "-C", "1"],
                                                                timeout: 30)
            #expect(overWebSockets.stdout == "closed\n" && Self.saidOnce(overWebSockets.stderr), "\(overWebSockets.stdout)\(overWebSockets.stderr)")
            let tree = try await HearthExecutable.run(["tree"] + tcp + ["-t", "fallback/#"], timeout: 30)
            #expect(tree.status == 0 && tree.stdout.contains("door") && Self.saidOnce(tree.stderr), "\(tree.stdout)\(tree.stderr)")
            // -V mqttv5 insists: no fallback, and amqtt's silence is the error it always was.
            let strict = try await HearthExecutable.run(["sub"] + tcp + ["-V", "mqttv5", "-t", "x", "-C", "1"], timeout: 30)
            #expect(strict.status != 0 && strict.stderr.contains("timed out waiting for CONNACK"), "\(strict.stderr)")

            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-fallback-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let recorder = try ChildProcess.launch([HearthExecutable.path, "record"] + tcp + ["--store", folder + "/home.sqlite"])
            try await recorder.waitForOutput("connected (MQTT 3.1.1)")
            _ = try await HearthExecutable.run(["pub"] + tcp + ["-q", "1", "-t", "fallback/hall", "-m", "21.5"], timeout: 30)
            try await waitUntil("the reading recorded") {
                try await HearthExecutable.run(["history", "fallback/hall", "--store", folder + "/home.sqlite"]).stdout.contains("21.5")
            }
            recorder.signal(SIGTERM)
            let recorded = await recorder.wait()
            #expect(recorded.status == 0 && Self.saidOnce(recorded.stderr), "\(recorded.stderr)")
        }
    }

    @Test func theDashboardConnectsWithTheDefaultVersion() async throws {
        try await Amqtt.with { broker in
            _ = try await HearthExecutable.run(["pub", "-p", "\(broker.tcpPort)", "-V", "mqttv311", "-r", "-t", "fallback/lamp", "-m", "ON"], timeout: 30)
            try await Tmux.with("'\(HearthExecutable.path)' -p \(broker.tcpPort)", width: 120, height: 40) { tmux in
                let screen = try await tmux.waitFor { $0.contains("MQTT 3.1.1") && $0.contains("lamp") }
                #expect(screen.contains("MQTT 3.1.1") && screen.contains("lamp"), "\(screen)")
                try await tmux.keys("q")
                _ = try await tmux.waitFor { $0.contains("EXITED") }
            }
        }
    }
}
