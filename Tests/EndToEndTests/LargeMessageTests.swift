import Foundation
import MQTTTestSupport
import Testing

/// Messages over 16 MiB reach hearth as they reach mosquitto_sub; `--max-packet-size` lowers the limit.
@Suite(.serialized, .timeLimit(.minutes(3))) struct LargeMessageTests {
    /// A 20 MB text payload in a file (removed after).
    static func withBigPayload(_ body: (String) async throws -> Void) async throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-20mb-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try Data(repeating: UInt8(ascii: "x"), count: 20_000_000).write(to: URL(fileURLWithPath: file))
        try await body(file)
    }

    @Test(.timeLimit(.minutes(2))) func twentyMegabytesReachSubAndRecordAsTheyReachMosquittoSub() async throws {
        try await Self.withBigPayload { file in
            let folder = try RecordCommandTests.folder()
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let store = folder + "/big.sqlite"
            try await Mosquitto.with { broker in
                let port = "\(broker.port())"
                // Retained, so that each reader gets it whenever it subscribes.
                let pub = try await HearthExecutable.run(["pub", "-p", port, "-t", "big", "-q", "1", "-r", "-f", file])
                try #require(pub.status == 0, "\(pub.stderr)")
                let peer = try ChildProcess.launch(["mosquitto_sub", "-p", port, "-t", "big", "-C", "1"])
                let sub = try ChildProcess.launch([HearthExecutable.path, "sub", "-p", port, "-t", "big", "-C", "1"])
                let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-p", port, "--store", store])
                let fromPeer = await peer.wait(timeout: 60), fromHearth = await sub.wait(timeout: 60)
                #expect(fromPeer.stdout.utf8.count == 20_000_001)
                #expect(fromHearth.status == 0 && fromHearth.stdout.utf8.count == fromPeer.stdout.utf8.count, "\(fromHearth.stderr.suffix(300))")
                try await RecordCommandTests.until { try await RecordCommandTests.count("big", in: store) == 1 }
                recorder.signal(SIGTERM)
                #expect(await recorder.wait().status == 0, "\(recorder.stderr)")
                let stored = try await HearthExecutable.run(["history", "big", "--messages", "--store", store, "-F", "json"], timeout: 60)
                // The store keeps 64 KiB of a payload, and its true size.
                #expect(stored.stdout.contains(#""payload_truncated":true,"size":20000000}"#), "\(stored.stdout.suffix(200))\(stored.stderr)")
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func aLowerLimitIsAnnouncedAndTheBrokerDropsLargerMessages() async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            let sub = try ChildProcess.launch([HearthExecutable.path, "sub", "-p", port, "-t", "t", "-C", "1", "--max-packet-size", "1K", "-d"])
            try await sub.waitForOutput("received SUBACK")
            // Over 1 KiB: mosquitto does not send it to hearth (MQTT 5 Maximum Packet Size); the next fits.
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "t", "-m", String(repeating: "x", count: 2000)])
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "t", "-m", "small"])
            let result = await sub.wait(timeout: 20)
            #expect(result.status == 0 && result.stdout == "small\n", "\(result.stdout.prefix(100))\(result.stderr.suffix(300))")
            let bad = try await HearthExecutable.run(["sub", "-p", port, "-t", "t", "--max-packet-size", "lots"])
            #expect(bad.status != 0 && bad.stderr.contains("expected a number of bytes, as in 65536, 64K or 16M"), "\(bad.stderr)")
        }
    }
}
