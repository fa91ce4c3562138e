import Foundation
import MQTTTestSupport
import Testing

/// `hearth pub -f` and `-s` never read more than the broker accepts.
@Suite(.timeLimit(.minutes(3))) struct PubPayloadLimitTests {
    @Test(.timeLimit(.minutes(1))) func aFileTooLargeForAnyPacketIsRefusedBeforeReading() async throws {
        try await Mosquitto.with { broker in
            let big = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-big-\(UUID().uuidString)")
            // 300 MB, sparse: nothing is written, and reading it whole would take 300 MB of memory.
            try await ChildProcess.run(["truncate", "-s", "300M", big.path])
            defer { try? FileManager.default.removeItem(at: big) }
            let result = try await ChildProcess.run(["/usr/bin/env", "time", "-f", "%M", HearthExecutable.path, "pub",
                                                     "-p", "\(broker.port())", "-t", "big", "-f", big.path])
            #expect(result.status != 0)
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.first?.hasPrefix("Error: \(big.path) (314572800 bytes) is larger than the largest packet") == true, "\(result.stderr)")
            // Peak RSS in KiB (GNU time): far below the file's size.
            #expect((lines.last.flatMap { Int($0) } ?? .max) < 100_000, "\(result.stderr)")
        }
    }

    @Test(.timeLimit(.minutes(1))) func standardInputStopsAtTheBrokersMaximumPacketSize() async throws {
        try await Mosquitto.with(extraConfig: "max_packet_size 1000") { broker in
            let port = "\(broker.port())"
            let over = try await HearthExecutable.run(["pub", "-p", port, "-V", "mqttv5", "-t", "t", "-s"],
                                                      input: Array(repeating: UInt8(ascii: "x"), count: 5000))
            #expect(over.status != 0)
            #expect(over.stderr == "Error: standard input is larger than the largest packet the broker accepts (1000 bytes)\n")
            let fits = try await HearthExecutable.run(["pub", "-p", port, "-V", "mqttv5", "-t", "t", "-s", "-r"],
                                                      input: Array(repeating: UInt8(ascii: "x"), count: 500))
            #expect(fits.status == 0, "\(fits.stderr)")
            let got = try await ChildProcess.run(["mosquitto_sub", "-p", port, "-t", "t", "-C", "1", "-W", "10"])
            #expect(got.stdout == String(repeating: "x", count: 500) + "\n")
        }
    }
}
