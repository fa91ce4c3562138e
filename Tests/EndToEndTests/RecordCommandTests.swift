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

    /// Runs `body` with a store's path in a fresh folder (removed after) and a mosquitto's port.
    static func withStoreAndBroker(_ body: (String, String) async throws -> Void) async throws {
        let folder = try folder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try await Mosquitto.with { broker in try await body(folder + "/home.sqlite", "\(broker.port())") }
    }

    @Test func whatIsPublishedIsRecordedAndHistoryPrintsExactlyThat() async throws {
        try await Self.withStoreAndBroker { store, port in
            let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-p", port, "--store", store])
            try await recorder.waitForOutput("connected (MQTT 5.0), session new")
            for value in ["21.5", "21.75", "22"] {
                try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "home/hall/temperature", "-m", value])
            }
            // The door's retained value: set, sent again unchanged, changed, cleared; with a v5 user property.
            for arguments in [["-m", "closed"], ["-m", "closed"], ["-m", "open", "-D", "publish", "user-property", "by", "alice"], ["-n"]] {
                try await ChildProcess.run(["mosquitto_pub", "-V", "mqttv5", "-p", port, "-q", "1", "-r", "-t", "home/door"] + arguments)
            }
            // Read while the recorder writes, until the last message is in the store.
            try await Self.until { try await Self.count("home/door", in: store) == 4 }
            // One writer per store: a second recorder is refused with one line; the first goes on.
            let second = try await HearthExecutable.run(["record", "-p", port, "--store", store], timeout: 20)
            #expect(second.status != 0 && second.stderr.contains("another hearth is recording into \(store)"), "\(second.stderr)")
            #expect(recorder.isRunning)
            // SIGTERM commits and ends the recorder cleanly, with one line saying what it did.
            recorder.signal(SIGTERM)
            #expect(await recorder.wait().status == 0, "\(recorder.stderr)")
            let last = recorder.stderr.split(separator: "\n").last ?? ""
            #expect(last.contains(#/^hearth: recorded 7 messages in [0-9.]+ (s|min) into /#) && last.hasSuffix(store), "\(recorder.stderr)")
            let points = try await HearthExecutable.run(["history", "home/hall/temperature", "--store", store, "-F", "csv"])
            let values: [String] = points.stdout.split(separator: "\n").map { line in String(line.split(separator: ",").last ?? "") }
            #expect(values == ["value", "21.5", "21.75", "22"], "\(points.stdout)\(points.stderr)")
            let door = try await HearthExecutable.run(["history", "home/door", "--store", store, "-F", "json"])
            #expect(door.stdout.contains(#""retain":true,"payload":"closed""#), "\(door.stdout)\(door.stderr)")
            #expect(door.stdout.contains(#""payload":"open","properties":{"user_properties":[["by","alice"]]}"#), "\(door.stdout)")
            let changes = try await HearthExecutable.run(["history", "home/door", "--retained", "--store", store, "-F", "csv"])
            #expect(changes.stdout.split(separator: "\n").map { $0.split(separator: ",").dropFirst().joined(separator: ",") }
                == ["change,payload", #""set","closed""#, #""changed","open""#, #""cleared","""#], "\(changes.stdout)")
            let asMessages = try await HearthExecutable.run(["history", "home/hall/temperature", "--messages", "--store", store, "-F", "csv"])
            #expect(asMessages.stdout.hasPrefix("time,qos,retain,payload\n") && asMessages.stdout.contains(#",1,0,"21.75""#), "\(asMessages.stdout)")
            let topics = try await HearthExecutable.run(["history", "--topics", "--store", store])
            #expect(topics.stdout.contains("home/door 4 ") && topics.stdout.contains("home/hall/temperature 3 "), "\(topics.stdout)")
            // Nothing to print says why, on stderr; a filter and a bad span are refused in one line.
            let unknown = try await HearthExecutable.run(["history", "home/attic", "--store", store])
            #expect(unknown.status == 0 && unknown.stdout.isEmpty
                && unknown.stderr == "hearth: nothing recorded for home/attic in the last 24 h (--topics lists what was)\n", "\(unknown.stderr)")
            let noField = try await HearthExecutable.run(["history", "home/hall/temperature", "humidity", "--store", store])
            // A field that was never recorded is an error, worded as every error is.
            #expect(noField.status == 64 && noField.stdout.isEmpty && noField.stderr == "Error: home/hall/temperature has no field 'humidity'\n", "\(noField.stderr)")
            let filter = try await HearthExecutable.run(["history", "home/#", "--store", store])
            #expect(filter.status != 0 && filter.stderr.contains("'home/#' is a filter"), "\(filter.stderr)")
            let span = try await HearthExecutable.run(["history", "home/door", "--since", "banana", "--store", store])
            #expect(span.status != 0 && span.stderr.contains("expected a number and s, m, h or d, as in 90s, 30m, 24h, 7d"), "\(span.stderr)")
        }
    }

    @Test func theDashboardRecordsWithRecordAndRefusesASecondWriter() async throws {
        try await Self.withStoreAndBroker { folderStore, port in
            // In a folder that does not exist yet, as the default one on a fresh machine.
            let store = (folderStore as NSString).deletingLastPathComponent + "/state/hearth/home.sqlite"
            let command = "'\(HearthExecutable.path)' -p \(port) --store '\(store)' --record"
            try await Tmux.with(command, width: 120, height: 40) { tmux in
                _ = try await tmux.waitFor { $0.contains("connected") }
                for value in ["19.5", "20", "20.5"] {
                    try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "home/kitchen/temperature", "-m", value])
                }
                // Read while the dashboard writes: the three readings reach the store.
                try await Self.until { try await Self.count("home/kitchen/temperature", in: store) == 3 }
                // One writer per store: a recorder (or a second dashboard recording) is refused.
                let second = try await HearthExecutable.run(["record", "-p", port, "--store", store], timeout: 20)
                #expect(second.status != 0 && second.stderr.contains("another hearth is recording into \(store)"), "\(second.stderr)")
                try await tmux.keys("q")
                let exited = try await tmux.waitFor { $0.contains("EXITED") }
                #expect(exited.contains("EXITED 0"), "\(exited)")
            }
            let points = try await HearthExecutable.run(["history", "home/kitchen/temperature", "--store", store, "-F", "csv"])
            #expect(points.stdout.split(separator: "\n").map { String($0.split(separator: ",").last ?? "") } == ["value", "19.5", "20", "20.5"],
                    "\(points.stdout)\(points.stderr)")
            // And while a recorder runs, `hearth --record` is refused before the screen opens.
            let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-p", port, "--store", store])
            try await recorder.waitForOutput("connected (MQTT 5.0)")
            try await Tmux.with(command, width: 120, height: 40) { tmux in
                let refused = try await tmux.waitFor { $0.contains("EXITED") }
                #expect(refused.contains("another hearth is recording into") && !refused.contains("EXITED 0"), "\(refused)")
            }
            recorder.signal(SIGTERM)
            _ = await recorder.wait()
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

extension RecordCommandTests {
    /// How many messages the store holds for a topic, read while a recorder may be writing.
    static func count(_ topic: String, in store: String) async throws -> Int {
        let topics = try await HearthExecutable.run(["history", "--topics", "--store", store, "-F", "csv"]).stdout
        // broker,topic,messages,first,last
        let line = topics.split(separator: "\n").first { $0.contains(",\"\(topic)\",") }
        return line.flatMap { Int($0.split(separator: ",")[2]) } ?? 0
    }

    /// Polls `condition` (a condition awaited, not a sleep) for up to 30 s.
    static func until(_ condition: () async throws -> Bool, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        try await waitUntil("a condition at \(sourceLocation)", condition)
    }

    @Test func afterKill9TheStoreOpensAndTheRecorderCarriesOn() async throws {
        try await Self.withStoreAndBroker { store, port in
            let arguments = [HearthExecutable.path, "record", "-p", port, "--store", store, "-i", "kill-test"]
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-r", "-t", "home/door", "-m", "closed"])
            let first = try ChildProcess.launch(arguments)
            try await first.waitForOutput("connected (MQTT 5.0)")
            try await Self.until { try await Self.count("home/door", in: store) == 1 }
            let burst = (0..<2000).map { "reading \($0)" }.joined(separator: "\n") + "\n"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "burst/before", "-l"], input: Array(burst.utf8))
            try await Self.until { try await Self.count("burst/before", in: store) > 0 }
            first.signal(SIGKILL)
            _ = await first.wait()
            // While it is away the broker queues for its session.
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "burst/after", "-l"],
                                       input: Array(((0..<100).map { "late \($0)" }.joined(separator: "\n") + "\n").utf8))
            let before = try await Self.count("burst/before", in: store)
            #expect(before > 0 && before <= 2000, "the store opens after kill -9: \(before)")
            let second = try ChildProcess.launch(arguments)
            try await second.waitForOutput("session resumed")
            try await Self.until { try await Self.count("burst/after", in: store) == 100 }
            #expect(try await Self.count("burst/after", in: store) == 100)
            // The resumed session does not deliver the retained door again as a new message: a
            // message published now arrives after anything the subscription sent, so once it is
            // in the store, the door's count is final.
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "sentinel", "-m", "1"])
            try await Self.until { try await Self.count("sentinel", in: store) == 1 }
            #expect(try await Self.count("home/door", in: store) == 1)
            second.signal(SIGTERM)
            #expect(await second.wait().status == 0, "\(second.stderr)")
        }
    }

    @Test func aFullStoreIsAnErrorLineAndTheRecorderWritesWhenThereIsRoomAgain() async throws {
        try await Self.withStoreAndBroker { store, port in
            // At most 300 KB per file (a soft limit, raised later): the store fills up after a few messages of 64 KB.
            let recorder = try ChildProcess.launch(["prlimit", "--fsize=300000:unlimited", HearthExecutable.path, "record", "-p", port, "--store", store])
            try await recorder.waitForOutput("connected (MQTT 5.0)")
            let big = String(repeating: "x", count: 60_000)
            for index in 0..<12 {
                try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "big/\(index)", "-m", big])
            }
            try await recorder.waitForOutput("cannot write to the history store")
            #expect(recorder.isRunning, "\(recorder.stderr)")
            let errors = recorder.stderr.split(separator: "\n").filter { $0.contains("cannot write") }
            #expect(errors.count == 1, "one line, not one per retry: \(recorder.stderr)")
            // Room again, and the broker quiet: the waiting messages are written without a new one.
            let raised = try await ChildProcess.run(["prlimit", "--pid", "\(recorder.pid)", "--fsize=unlimited:unlimited"])
            try #require(raised.status == 0, "\(raised.stderr)")
            try await recorder.waitForOutput("writing again", seconds: 60)
            recorder.signal(SIGTERM)
            _ = await recorder.wait()
            // Nothing is lost: what was written before the limit, and what waited.
            let topics = try await HearthExecutable.run(["history", "--topics", "--store", store, "-F", "csv"])
            let recorded = topics.stdout.split(separator: "\n").filter { $0.contains(",\"big/") }
            #expect(topics.status == 0 && recorded.count == 12, "\(topics.stdout)\(topics.stderr)")
        }
    }

    @Test func stoppedWhileTheStoreIsFullItSaysHowManyAreLostAndFails() async throws {
        try await Self.withStoreAndBroker { store, port in
            // -d logs each packet: the stop comes once all 12 have been received.
            let recorder = try ChildProcess.launch(["prlimit", "--fsize=300000", HearthExecutable.path, "record", "-p", port, "--store", store, "-d"])
            try await recorder.waitForOutput("connected (MQTT 5.0)")
            let big = String(repeating: "x", count: 60_000)
            for index in 0..<12 {
                try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "big/\(index)", "-m", big])
            }
            try await recorder.waitForOutput("cannot write to the history store")
            try await waitUntil("all 12 received") { recorder.stderr.components(separatedBy: "received PUBLISH").count - 1 >= 12 }
            recorder.signal(SIGTERM)
            let result = await recorder.wait()
            let topics = try await HearthExecutable.run(["history", "--topics", "--store", store, "-F", "csv"])
            let written = topics.stdout.split(separator: "\n").filter { $0.contains(",\"big/") }.count
            #expect(result.status != 0, "\(result.stderr)")
            #expect(result.stderr.hasSuffix("Error: \(12 - written) messages could not be written to the history store and are lost\n"),
                    "\(written) written: \(result.stderr)")
        }
    }

    @Test func theDashboardsRecordingWritesAgainWhenThereIsRoom() async throws {
        try await Self.withStoreAndBroker { store, port in
            // An inner shell writes its pid, then becomes prlimit, which becomes hearth: one pid throughout.
            let pidFile = store + ".pid"
            let command = "sh -c \"echo \\$\\$ > \(pidFile); exec prlimit --fsize=300000:unlimited \(HearthExecutable.path) -p \(port) --store \(store) --record\""
            try await Tmux.with(command, width: 120, height: 40) { tmux in
                _ = try await tmux.waitFor { $0.contains("connected") }
                let big = String(repeating: "x", count: 60_000)
                for index in 0..<12 {
                    try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "big/\(index)", "-m", big])
                }
                let full = try await tmux.waitFor { $0.contains("cannot write to the history store") }
                try #require(full.contains("cannot write to the history store"), "\(full)")
                // Room again, with no message arriving: the status line says the store is written again.
                let pid = try String(contentsOfFile: pidFile, encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
                let raised = try await ChildProcess.run(["prlimit", "--pid", pid, "--fsize=unlimited:unlimited"])
                try #require(raised.status == 0, "\(raised.stderr)")
                let again = try await tmux.waitFor(seconds: 60) { $0.contains("writing again") }
                #expect(again.contains("writing again"), "\(again)")
                try await tmux.keys("q")
                _ = try await tmux.waitFor { $0.contains("EXITED") }
            }
            let topics = try await HearthExecutable.run(["history", "--topics", "--store", store, "-F", "csv"])
            #expect(topics.stdout.split(separator: "\n").filter { $0.contains(",\"big/") }.count == 12, "\(topics.stdout)\(topics.stderr)")
        }
    }

    /// The same in a file and in PostgreSQL.
    @Test(arguments: ["file", "postgres"])
    func aDashboardStartedOnARecordedStoreShowsThePastOnItsFirstScreen(_ kind: String) async throws {
        try await Self.withStoreAndBroker { file, port in
            let store = kind == "file" ? file : try await PostgresCluster.shared.freshDatabase()
            let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-p", port, "--store", store])
            try await recorder.waitForOutput("connected (MQTT 5.0)")
            let readings = (0..<30).map { #"{"temperature": \#(19 + Double($0 % 10) / 5), "humidity": 50}"# }.joined(separator: "\n") + "\n"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "zigbee2mqtt/bedroom_sensor", "-l"], input: Array(readings.utf8))
            try await Self.until { try await Self.count("zigbee2mqtt/bedroom_sensor", in: store) == 30 }
            recorder.signal(SIGTERM)
            _ = await recorder.wait()
            // The broker holds nothing of it now: whatever the dashboard draws comes from the store.
            try await Tmux.with("'\(HearthExecutable.path)' -p \(port) --store '\(store)'", width: 120, height: 40) { tmux in
                let screen = try await tmux.waitFor { screen in
                    screen.split(separator: "\n").contains { line in
                        guard let divider = line.firstIndex(of: "│") else { return false }
                        let detail = line[line.index(after: divider)...]
                        return detail.contains("bedroom_sensor") && detail.filter { "▁▂▃▄▅▆▇█".contains($0) }.count >= 20
                    }
                }
                #expect(screen.contains("1 temperature"), "\(screen)")
                #expect(screen.split(separator: "\n").contains { $0.contains("bedroom_sensor") && $0.contains("19–20.8") }, "\(screen)")
                // Selected, its history table pages back through the recorded messages.
                try await tmux.type("/bedroom_sensor")
                try await tmux.keys("Enter")
                try await tmux.keys("Tab", "End")
                let detail = try await tmux.waitFor { $0.contains("the recording starts here") }
                #expect(detail.contains("history (30)") && detail.contains("the recording starts here"), "\(detail)")
                try await tmux.keys("q")
                _ = try await tmux.waitFor { $0.contains("EXITED") }
            }
        }
    }
}
