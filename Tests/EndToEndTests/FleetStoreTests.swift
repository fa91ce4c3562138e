import Foundation
import HistoryStore
import MQTT
import MQTTTestSupport
import HearthKit
import PostgresHistory
import Testing
import TopicModel

/// Several brokers' pasts in one store, PostgreSQL as the store, and what a database that goes
/// away or refuses does to a recorder: real mosquittos and a throwaway PostgreSQL cluster.
@Suite(.timeLimit(.minutes(3)))
struct FleetStoreTests {
    /// `hearth history` with `arguments`, its CSV lines after the header.
    static func csv(_ arguments: [String], environment: [String: String]) async throws -> [String] {
        let result = try await HearthExecutable.run(["history", "-F", "csv"] + arguments, environment: environment, timeout: 30)
        #expect(result.status == 0, "\(arguments): \(result.stderr)")
        return Array(result.stdout.split(separator: "\n").dropFirst().map(String.init))
    }

    @Test func twoRecordersWriteTwoBrokersIntoOneDatabaseAndHistoryReadsEach() async throws {
        try await Mosquitto.with { home in
            try await Mosquitto.with { cabin in
                // The password in the URL: accepted, never printed.
                let database = try await PostgresCluster.shared.freshDatabase().replacingOccurrences(of: "hearth@", with: "hearth:hunter2@")
                let config = """
                    default = "home"
                    [profiles.home]
                    host = "127.0.0.1"
                    port = \(home.port())
                    store = "\(database)"
                    [profiles.cabin]
                    host = "127.0.0.1"
                    port = \(cabin.port())
                    store = "\(database)"
                    """
                try await ProfileTests.withConfig(config) { environment, _ in
                    // The house recorded through the default profile, the cabin by name.
                    let recorders = try [[], ["-b", "cabin"]].map { try ChildProcess.launch([HearthExecutable.path, "record"] + $0, environment: environment) }
                    for recorder in recorders { try await recorder.waitForOutput("connected (MQTT 5.0)") }
                    for (port, values) in [(home.port(), ["21", "21.5", "22"]), (cabin.port(), ["4", "4.5"])] {
                        for value in values {
                            try await ChildProcess.run(["mosquitto_pub", "-p", "\(port)", "-q", "1", "-t", "sensor/temperature", "-m", value])
                        }
                    }
                    // Each broker's past under its own name, from one database.
                    try await waitUntil("both pasts in the database") {
                        let home = try await Self.csv(["-b", "home", "sensor/temperature"], environment: environment)
                        let cabin = try await Self.csv(["-b", "cabin", "sensor/temperature"], environment: environment)
                        return home.count == 3 && cabin.count == 2
                    }
                    #expect(try await Self.csv(["-b", "home", "sensor/temperature"], environment: environment).map { $0.split(separator: ",")[1] }
                        == ["21", "21.5", "22"])
                    // The default profile is the broker its name says, -b or not.
                    #expect(try await Self.csv(["sensor/temperature"], environment: environment).count == 3)
                    #expect(try await Self.csv(["-b", "home", "--broker", "cabin", "sensor/temperature"], environment: environment)
                        .map { $0.split(separator: ",")[1] } == ["4", "4.5"])
                    let topics = try await Self.csv(["-b", "home", "--topics"], environment: environment)
                    #expect(topics.map { $0.split(separator: ",").prefix(3).joined(separator: ",") }
                        == [#""cabin","sensor/temperature",2"#, #""home","sensor/temperature",3"#], "\(topics)")
                    for recorder in recorders {
                        recorder.signal(SIGTERM)
                        let result = await recorder.wait()
                        #expect(result.status == 0, "\(result.stderr)")
                        #expect(!result.stderr.contains("hunter2") && result.stderr.contains("into postgres://hearth@127.0.0.1:"), "\(result.stderr)")
                    }
                }
            }
        }
    }

    @Test func oneRecorderRecordsSeveralBrokersIntoOneFile() async throws {
        try await Mosquitto.with { home in
            try await Mosquitto.with { cabin in
                let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-fleet-\(UUID().uuidString)").path
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(atPath: folder) }
                let store = folder + "/fleet.sqlite"
                let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-L", "mqtt://127.0.0.1:\(home.port())",
                                                        "-L", "mqtt://127.0.0.1:\(cabin.port())", "--store", store])
                try await waitUntil("both connected") { recorder.stderr.components(separatedBy: "connected (MQTT 5.0)").count == 3 }
                try await ChildProcess.run(["mosquitto_pub", "-p", "\(home.port())", "-q", "1", "-t", "lamp", "-m", "ON"])
                try await ChildProcess.run(["mosquitto_pub", "-p", "\(cabin.port())", "-q", "1", "-t", "lamp", "-m", "OFF"])
                try await waitUntil("both in the file") { try await Self.csv(["--topics", "--store", store], environment: [:]).count == 2 }
                recorder.signal(SIGTERM)
                let result = await recorder.wait()
                #expect(result.status == 0, "\(result.stderr)")
                // One line per broker, prefixed with its name.
                #expect(result.stderr.contains("127.0.0.1:\(cabin.port()): recorded 1 message in"), "\(result.stderr)")
                #expect(try await Self.csv(["lamp", "--store", store, "--broker", "127.0.0.1:\(cabin.port())"], environment: [:])
                    .map { $0.split(separator: ",").last ?? "" } == [#""OFF""#])
                // Two brokers in the file: which one is a question, one line.
                let ambiguous = try await HearthExecutable.run(["history", "lamp", "--store", store], timeout: 30)
                #expect(ambiguous.status != 0 && ambiguous.stderr == "Error: the history store \(store) holds no broker localhost:1883 (it holds 127.0.0.1:\(cabin.port()), 127.0.0.1:\(home.port()); name one with --broker)\n"
                        || ambiguous.stderr == "Error: the history store \(store) holds no broker localhost:1883 (it holds 127.0.0.1:\(home.port()), 127.0.0.1:\(cabin.port()); name one with --broker)\n",
                        "\(ambiguous.stderr)")
            }
        }
    }

    @Test func theDatabaseStoppedMidStreamLosesNothingItAcknowledgedAndTheLossIsExact() async throws {
        try await PostgresCluster.withOwnCluster { cluster in
            try await Mosquitto.with { broker in
                let port = "\(broker.port())"
                let database = PostgresCluster.url(cluster.url, database: "postgres")
                // -d logs each packet: the stop comes once every message has been received.
                let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-p", port, "--store", database, "-d"])
                try await recorder.waitForOutput("connected (MQTT 5.0)")
                func publish(_ range: Range<Int>) async throws {
                    let lines = range.map { "\($0)" }.joined(separator: "\n") + "\n"
                    try await ChildProcess.run(["mosquitto_pub", "-p", port, "-q", "1", "-t", "counter", "-l"], input: Array(lines.utf8))
                }
                func stored() async throws -> Int {
                    Int(try await PostgresCluster.psql(database, "SELECT count(*) FROM message")) ?? -1
                }
                try await publish(0..<300)
                try await waitUntil("the first 300 in the database") { try await stored() == 300 }
                // Down while messages arrive: said on stderr, kept in memory, written once it is back.
                try await cluster.down()
                try await publish(300..<500)
                try await recorder.waitForOutput("keeping messages in memory and trying again", seconds: 30)
                try await cluster.up()
                try await recorder.waitForOutput("writing again", seconds: 60)
                try await publish(500..<600)
                try await waitUntil("all 600 in the database") { try await stored() == 600 }
                // Down again, and stopped while it is: what waits is lost, and counted exactly.
                try await cluster.down()
                try await publish(600..<650)
                try await waitUntil("all 650 received", seconds: 30) { recorder.stderr.components(separatedBy: "received PUBLISH").count - 1 >= 650 }
                recorder.signal(SIGTERM)
                let result = await recorder.wait()
                try await cluster.up()
                #expect(try await stored() == 600)
                #expect(result.status != 0 && result.stderr.hasSuffix("Error: 50 messages could not be written to the history store and are lost\n"),
                        "\(result.stderr)")
                // Every value once, in order: nothing acknowledged by the database was written twice.
                let values = try await PostgresCluster.psql(database, "SELECT string_agg(convert_from(payload, 'UTF8'), ',' ORDER BY time, id) FROM message")
                #expect(values == (0..<600).map(String.init).joined(separator: ","))
            }
        }
    }

    @Test func theDashboardRecordsIntoADatabaseBesideARecorderOfAnotherBroker() async throws {
        try await Mosquitto.with { broker in
            let database = try await PostgresCluster.shared.freshDatabase()
            // A database takes many writers: a recorder of another broker writes into it meanwhile.
            try await Mosquitto.with { other in
                let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-p", "\(other.port())", "--store", database])
                try await recorder.waitForOutput("connected (MQTT 5.0)")
                try await Tmux.with("'\(HearthExecutable.path)' -p \(broker.port()) --store '\(database)' --record", width: 120, height: 40) { tmux in
                    _ = try await tmux.waitFor { $0.contains("connected") }
                    for value in ["19.5", "20", "20.5"] {
                        try await ChildProcess.run(["mosquitto_pub", "-p", "\(broker.port())", "-q", "1", "-t", "home/kitchen/temperature", "-m", value])
                    }
                    try await ChildProcess.run(["mosquitto_pub", "-p", "\(other.port())", "-q", "1", "-t", "cabin/stove", "-m", "80"])
                    try await waitUntil("both written") {
                        Int(try await PostgresCluster.psql(database, "SELECT count(*) FROM message")) == 4
                    }
                    try await tmux.keys("q")
                    let exited = try await tmux.waitFor { $0.contains("EXITED") }
                    #expect(exited.contains("EXITED 0"), "\(exited)")
                }
                recorder.signal(SIGTERM)
                #expect(await recorder.wait().status == 0)
                let points = try await Self.csv(["home/kitchen/temperature", "--store", database, "--broker", "localhost:\(broker.port())"], environment: [:])
                #expect(points.map { $0.split(separator: ",").last ?? "" } == ["19.5", "20", "20.5"], "\(points)")
                // A minute that had not ended when the dashboard quit is written as it closes.
                let minutes = try await PostgresCluster.psql(database, "SELECT sum(count) FROM minute")
                #expect(minutes == "4", "\(minutes)")
            }
        }
    }

    /// The dashboard's reads of a database that goes away fail with one line each (which its
    /// status line shows: `RecordedHistoryViewTests`), and work again once it is back; the
    /// model, fed live, is never held up.
    @Test func theDashboardsReadsOfADatabaseThatGoesAwayFailInOneLineAndRecover() async throws {
        try await PostgresCluster.withOwnCluster { cluster in
            let url = try PostgresURL(parsing: PostgresCluster.url(cluster.url, database: "postgres"))
            let store = try await PostgresStore(url: url, password: nil)
            let now = Date().timeIntervalSince1970
            try await store.write((0..<30).map {
                MQTTMessage(topic: "home/hall/temperature", payload: Array("\(19 + $0 % 10)".utf8), receivedAt: Date(timeIntervalSince1970: now - 300 + Double($0)))
            }, broker: "home")
            let reports = AsyncStream<String?>.makeStream()
            let model = SharedModel()
            let loader = HistoryLoader(store: store, broker: "home", since: now - 86_400, model: model) { reports.continuation.yield($0) }
            var reported = reports.stream.makeAsyncIterator()
            func page() async -> Result<HistoryLoader.Page, StoreFailure> {
                await withCheckedContinuation { continuation in
                    loader.requestOlder(topic: "home/hall/temperature", before: now, id: .max, pageSize: 100) { continuation.resume(returning: $0) }
                }
            }
            #expect(try await page().get().messages.count == 30)
            try await cluster.down()
            guard case let .failure(failure) = await page() else { Issue.record("a page was read from a stopped database"); return }
            #expect("\(failure)".hasPrefix("cannot open the history store \(url): ") && !"\(failure)".contains("\n"), "\(failure)")
            loader.request(["home/hall/temperature"])
            let said = await reported.next() ?? nil
            #expect(said?.hasPrefix("cannot open the history store \(url): ") == true, "\(String(describing: said))")
            #expect(await reported.next() == .some(nil), "the request ends")
            model.withModel { _ = $0.ingest(MQTTMessage(topic: "home/porch/light", payload: Array("ON".utf8))) }
            #expect(model.withModel { $0.find("home/porch/light") } != nil)
            try await cluster.up()
            #expect(try await page().get().messages.count == 30, "read again once it is back")
            await store.close()
        }
    }

    @Test func aStretchReplaysFromTheDatabaseIntoAThirdBrokerInOrderWithItsRetainFlags() async throws {
        try await Mosquitto.with { target in
            let database = try await PostgresCluster.shared.freshDatabase()
            let store = try await PostgresStore(url: PostgresURL(parsing: database), password: nil)
            let now = Date().timeIntervalSince1970
            func message(_ topic: String, _ payload: String, retain: Bool = false, ago: Double) -> MQTTMessage {
                MQTTMessage(topic: topic, payload: Array(payload.utf8), qos: .atLeastOnce, retain: retain, receivedAt: Date(timeIntervalSince1970: now - ago))
            }
            try await store.write([message("home/heater/state", "ON", retain: true, ago: 600), message("home/hall/temperature", "21", ago: 590),
                                   message("home/heater/state", "OFF", retain: true, ago: 570)], broker: "home")
            try await store.write([message("home/hall/temperature", "3", ago: 580)], broker: "cabin")
            await store.close()
            // Subscribed once its retained probe arrives.
            try await ChildProcess.run(["mosquitto_pub", "-p", "\(target.port())", "-t", "home/probe", "-m", "ready", "-r"])
            let subscriber = try ChildProcess.launch(["mosquitto_sub", "-p", "\(target.port())", "-t", "home/#", "-V", "mqttv5", "--retain-as-published",
                                                      "-q", "1", "-F", "%r %t %p", "-C", "4"])
            try await subscriber.waitForOutput("home/probe ready")
            let replay = try await HearthExecutable.run(["replay", "-p", "\(target.port())", "--store", database, "--from", "home", "--since", "1h",
                                                         "--speed", "max"], timeout: 30)
            #expect(replay.status == 0, "\(replay.stderr)")
            #expect(replay.stderr.contains("replayed 3 messages recorded over 30 s") && replay.stderr.contains("from home in postgres://"), "\(replay.stderr)")
            let received = await subscriber.wait(timeout: 20).stdout.split(separator: "\n").dropFirst()
            #expect(Array(received) == ["1 home/heater/state ON", "0 home/hall/temperature 21", "1 home/heater/state OFF"], "\(received)")
        }
    }

    @Test func aWrongPasswordANoSuchDatabaseAnUnknownSchemeAndANewerStoreAreOneLineEach() async throws {
        let admin = try await PostgresCluster.shared.url()
        let port = try #require(URLComponents(string: admin)?.port)
        let owned = try await PostgresCluster.shared.freshDatabase(owner: "secret").replacingOccurrences(of: "hearth@", with: "secret@")
        let newer = try await PostgresCluster.shared.freshDatabase()
        let store = try await PostgresStore(url: PostgresURL(parsing: newer), password: nil)
        try await store.markAppliedForTesting(99)
        await store.close()
        let shown = { (url: String) in try PostgresURL(parsing: url).description }
        let cases: [([String], [String: String], String)] = [
            (["--store", owned], ["PGPASSWORD": "wrong"],
             "Error: cannot open the history store \(try shown(owned)): password authentication failed for user \"secret\""),
            (["--store", "postgres://hearth@127.0.0.1:\(port)/nosuch"], [:],
             "Error: cannot open the history store postgres://hearth@127.0.0.1:\(port)/nosuch: database \"nosuch\" does not exist"),
            (["--store", "mysql://db.lan/hearth"], [:], "Error: store: unknown scheme 'mysql://' (give a file, or postgres://user@host/dbname)"),
            (["--store", "postgres://hearth@127.0.0.1:\(port)/postgres?sslmode=require"], [:],
             "Error: cannot open the history store postgres://hearth@127.0.0.1:\(port)/postgres: the server does not offer TLS (sslmode=disable, or prefer, connects without)"),
            (["--store", newer], [:], "Error: the history store \(try shown(newer)) was written by a newer Hearth"),
        ]
        for (arguments, environment, expected) in cases {
            let result = try await HearthExecutable.run(["history", "--topics"] + arguments, environment: environment, timeout: 30)
            #expect(result.status != 0 && result.stderr == expected + "\n", "\(arguments): \(result.stderr)")
        }
        // A database takes a writer per broker: a second recorder of one broker is refused, in one line.
        try await Mosquitto.with { broker in
            let database = try await PostgresCluster.shared.freshDatabase()
            let printed = try shown(database)
            let first = try ChildProcess.launch([HearthExecutable.path, "record", "-p", "\(broker.port())", "--store", database])
            try await first.waitForOutput("connected (MQTT 5.0)")
            let second = try await HearthExecutable.run(["record", "-p", "\(broker.port())", "--store", database], timeout: 30)
            #expect(second.status != 0 && second.stderr.hasSuffix(
                "Error: another hearth is recording localhost:\(broker.port()) into \(printed) (hearth record, or hearth --record); one writer per broker\n"),
                    "\(second.stderr)")
            first.signal(SIGTERM)
            #expect(await first.wait().status == 0)
            // A database answers to the exact name: another broker's past is not replayed by mistake.
            let replay = try await HearthExecutable.run(["replay", "-p", "\(broker.port())", "--store", database, "--from", "cabin", "--since", "1h"], timeout: 30)
            #expect(replay.status != 0 && replay.stderr == "Error: the history store \(printed) holds no broker cabin (it holds localhost:\(broker.port()); name one with --broker)\n",
                    "\(replay.stderr)")
        }
        // The right password, from the profile's store_password_file: the store opens (empty, then recorded).
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-secret-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "right\n".write(toFile: folder + "/password", atomically: true, encoding: .utf8)
        try await Mosquitto.with { broker in
            let config = "[profiles.site]\nport = \(broker.port())\nstore = \"\(owned)\"\nstore_password_file = \"\(folder)/password\"\n"
            try await ProfileTests.withConfig(config) { environment, _ in
                let recorder = try ChildProcess.launch([HearthExecutable.path, "record", "-b", "site"], environment: environment)
                try await recorder.waitForOutput("connected (MQTT 5.0)")
                try await ChildProcess.run(["mosquitto_pub", "-p", "\(broker.port())", "-q", "1", "-t", "gate", "-m", "open"])
                try await waitUntil("the gate recorded") { try await Self.csv(["-b", "site", "--topics"], environment: environment).count == 1 }
                recorder.signal(SIGTERM)
                #expect(await recorder.wait().status == 0)
            }
        }
    }
}
