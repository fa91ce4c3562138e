import Foundation
import MQTTTestSupport
import Testing

/// `hearth record` against mosquitto, and `hearth history` reading what it wrote.
@Suite(.timeLimit(.minutes(2)))
struct RecordCommandTests {
    static func folder() throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-record-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        return folder
    }

    @Test func whatIsPublishedIsRecordedAndHistoryPrintsExactlyThat() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let store = folder + "/home.sqlite"
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-p", port, "--store", store])
            try await recorder.waitForOutput("connected (MQTT 5.0), session new")
            for value in ["21.5", "21.75", "22"] {
                try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "home/hall/temperature", "-m", value])
            }
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-r", "-t", "home/door", "-m", "closed"])
            // Once the last message is in the store, SIGTERM commits and ends the recorder cleanly.
            // Read while the recorder writes, until the last message is in the store.
            let deadline = Date().addingTimeInterval(20)
            while try await !HearthExecutable.run(["history", "--topics", "--store", store]).stdout.contains("home/door"), Date() < deadline {
                try await Task.sleep(for: .milliseconds(100))
            }
            // SIGTERM commits and ends the recorder cleanly.
            recorder.signal(SIGTERM)
            #expect(await recorder.wait().status == 0, "\(recorder.stderr)")
            let points = try await HearthExecutable.run(["history", "home/hall/temperature", "--store", store, "-F", "csv"])
            let values: [String] = points.stdout.split(separator: "\n").map { line in String(line.split(separator: ",").last ?? "") }
            #expect(values == ["value", "21.5", "21.75", "22"], "\(points.stdout)\(points.stderr)")
            let door = try await HearthExecutable.run(["history", "home/door", "--store", store, "-F", "json"])
            #expect(door.stdout.contains(#""retain":true,"payload":"closed""#), "\(door.stdout)\(door.stderr)")
            let topics = try await HearthExecutable.run(["history", "--topics", "--store", store])
            #expect(topics.stdout.contains("home/door 1 ") && topics.stdout.contains("home/hall/temperature 3 "), "\(topics.stdout)")
        }
    }

    @Test func aMissingOrBrokenStoreIsOneLine() async throws {
        let folder = try Self.folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let missing = try await HearthExecutable.run(["history", "a/b", "--store", folder + "/none.sqlite"])
        #expect(missing.status != 0 && missing.stderr.contains("no history store at"), "\(missing.stderr)")
        try Data(repeating: 0x41, count: 4096).write(to: URL(fileURLWithPath: folder + "/broken.sqlite"))
        let broken = try await HearthExecutable.run(["history", "a/b", "--store", folder + "/broken.sqlite"])
        #expect(broken.status != 0 && broken.stderr.hasPrefix("Error: cannot open the history store"), "\(broken.stderr)")
        #expect(broken.stderr.split(separator: "\n").count == 1)
    }
}
