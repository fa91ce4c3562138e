import Foundation
import GRDB
@testable import HistoryStore
import MQTT
import Testing

/// What only the SQLite file does: its migrations from older files, a file that is not a store,
/// and where it lives by default.
@Suite(.timeLimit(.minutes(1)))
struct SQLiteStoreTests {
    /// A fresh folder for one test, removed after it.
    static func withFolder<Result>(_ body: (String) async throws -> Result) async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-store-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try await body(folder)
    }

    /// A store file as the release whose last migration was `version` wrote it, holding what
    /// `sql` inserts; returns its path.
    static func oldStore(in folder: String, version: String, _ sql: String) async throws -> String {
        let path = folder + "/\(version).sqlite"
        let old = try DatabaseQueue(path: path)
        try SQLiteSchema.migrator.migrate(old, upTo: version)
        try await old.write { try $0.execute(sql: sql) }
        try old.close()
        return path
    }

    @Test func aVersion1StoreIsMigratedWithItsHistory() async throws {
        try await Self.withFolder { folder in
            // A store as the first release wrote it: plain numbers as points at path "".
            let path = try await Self.oldStore(in: folder, version: "v1", """
                    INSERT INTO topic (id, name) VALUES (1, 'home/hall');
                    INSERT INTO series (id, topic, path) VALUES (1, 1, '');
                    INSERT INTO message (topic, time, payload, size, qos, retain) VALUES (1, 10, X'3231', 2, 0, 0), (1, 20, X'3232', 2, 0, 0);
                    INSERT INTO point (series, time, value) VALUES (1, 10, 21), (1, 20, 22);
                    INSERT INTO minute (series, minute, min, max, sum, count) VALUES (1, 0, 21, 22, 43, 2);
                """)
            let store = try SQLiteStore(path: path)
            #expect(try await store.points(broker: "", topic: "home/hall", path: "", since: 0).map(\.value) == [21, 22])
            try await store.write([message("home/hall", "23", at: 30)], broker: "localhost:1883")
            #expect(try await store.points(broker: "localhost:1883", topic: "home/hall", path: "", since: 0).map(\.value) == [21, 22, 23])
            #expect(try await store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM point") } == 0, "moved into the message rows")
        }
    }

    @Test func aVersion2StoreGainsItsBrokerAndItsFirstRecorderNamesIt() async throws {
        try await Self.withFolder { folder in
            // A store as the release before several brokers wrote it.
            let path = try await Self.oldStore(in: folder, version: "v2", """
                    INSERT INTO topic (id, name) VALUES (1, 'home/hall'), (2, 'home/door');
                    INSERT INTO series (id, topic, path) VALUES (1, 1, '');
                    INSERT INTO message (topic, time, payload, size, qos, retain, value) VALUES
                      (1, 10, X'3231', 2, 0, 0, 21), (1, 20, X'3232', 2, 0, 0, 22), (2, 15, X'6F70656E', 4, 1, 1, NULL);
                    INSERT INTO minute (series, minute, min, max, sum, count) VALUES (1, 0, 21, 22, 43, 2);
                    INSERT INTO setting (name, value) VALUES ('retention.raw', 3600), ('retention.minutes', 86400), ('retention.maximumBytes', 1048576);
                """)
            // Read before any recorder named it: its past is the past of whichever broker is asked.
            let reader = try SQLiteStore(path: path)
            #expect(try await reader.topics(broker: nil).map { "\($0.broker)|\($0.name)|\($0.messages)" } == ["|home/door|1", "|home/hall|2"])
            let unnamed = try await reader.recordedBroker("home")
            #expect(unnamed == "")
            #expect(try await reader.points(broker: unnamed, topic: "home/hall", path: "", since: 0).map(\.value) == [21, 22])
            #expect(try await reader.messages(broker: unnamed, topic: "home/door", since: 0).map(\.retain) == [true])
            #expect(try await reader.savedRetention() == Retention(raw: 3600, minutes: 86_400, maximumBytes: 1 << 20))
            // Its first recorder takes the past as its own; a second broker starts its own.
            try await reader.write([message("home/hall", "23", at: 90)], broker: "home")
            try await reader.write([message("home/hall", "5", at: 91)], broker: "cabin")
            #expect(try await reader.points(broker: "home", topic: "home/hall", path: "", since: 0).map(\.value) == [21, 22, 23])
            #expect(try await reader.points(broker: "cabin", topic: "home/hall", path: "", since: 0).map(\.value) == [5])
            #expect(try await reader.topics(broker: nil).map { "\($0.broker)|\($0.name)" } == ["cabin|home/hall", "home|home/door", "home|home/hall"])
            // The minute still filling is written when the store closes.
            await reader.close()
            #expect(try await reader.minutes(broker: "home", topic: "home/hall", path: "", since: 0).map(\.count) == [2, 1])
            // With two brokers, one must be named.
            await #expect { _ = try await reader.recordedBroker("127.0.0.1:1883") } throws: { error in
                "\(error)" == "the history store \(path) holds no broker 127.0.0.1:1883 (it holds cabin, home; name one with --broker)"
            }
        }
    }

    @Test func aVersion3StoreIsReadThroughItsBlocksAndWrittenOn() async throws {
        try await Self.withFolder { folder in
            // A store as the release before the log of blocks wrote it: JSON points and plain values.
            let path = try await Self.oldStore(in: folder, version: "v3", """
                    INSERT INTO broker (id, name) VALUES (1, 'home');
                    INSERT INTO topic (id, broker, name) VALUES (1, 1, 'home/hall'), (2, 1, 'zigbee2mqtt/bedroom');
                    INSERT INTO series (id, topic, path) VALUES (1, 1, ''), (2, 2, 'temperature');
                    INSERT INTO message (topic, time, payload, size, qos, retain, value) VALUES
                      (1, 10, X'3231', 2, 0, 0, 21), (2, 12, X'7B2274656D7065726174757265223A31397D', 17, 0, 0, NULL),
                      (1, 20, X'3232', 2, 0, 0, 22), (2, 22, X'7B2274656D7065726174757265223A32307D', 17, 0, 1, NULL);
                    INSERT INTO point (series, time, value) VALUES (2, 12, 19), (2, 22, 20);
                    INSERT INTO minute (series, minute, min, max, sum, count) VALUES (1, 0, 21, 22, 43, 2), (2, 0, 19, 20, 39, 2);
                """)
            // A reader cannot update the layout: it says so in one line.
            #expect { _ = try SQLiteStore(path: path, readOnly: true) } throws: { error in
                "\(error)" == "the history store \(path) was written by an older Hearth; hearth record (or hearth --record) updates it when it next opens it"
            }
            let store = try SQLiteStore(path: path)
            #expect(try await store.points(broker: "home", topic: "home/hall", path: "", since: 0).map(\.value) == [21, 22])
            #expect(try await store.points(broker: "home", topic: "zigbee2mqtt/bedroom", path: "temperature", since: 15).map(\.value) == [20])
            #expect(try await store.latest(broker: "home", since: 0).map { "\($0.topic) \($0.last.retain)" }.sorted()
                == ["home/hall false", "zigbee2mqtt/bedroom true"])
            let series = try await store.series(broker: "home", of: "zigbee2mqtt/bedroom", since: 0)
            #expect(series.map(\.path) == ["temperature"] && series.first?.points.map(\.value) == [19, 20])
            // Written on: the new rows are found beside the old.
            try await store.write([message("zigbee2mqtt/bedroom", #"{"temperature": 21}"#, at: 30)], broker: "home")
            #expect(try await store.points(broker: "home", topic: "zigbee2mqtt/bedroom", path: "temperature", since: 0).map(\.value) == [19, 20, 21])
            #expect(try await store.topics(broker: "home").map { "\($0.name) \($0.messages)" } == ["home/hall 2", "zigbee2mqtt/bedroom 3"])
        }
    }

    @Test func aVersion3StoreWhosePointsOutliveItsMessagesKeepsThemInBlock0() async throws {
        try await Self.withFolder { folder in
            // Its messages were pruned by size while points of later times stayed.
            let path = try await Self.oldStore(in: folder, version: "v3", """
                    INSERT INTO broker (id, name) VALUES (1, 'home');
                    INSERT INTO topic (id, broker, name) VALUES (1, 1, 'zigbee2mqtt/bedroom');
                    INSERT INTO series (id, topic, path) VALUES (1, 1, 'temperature');
                    INSERT INTO message (topic, time, payload, size, qos, retain, value) VALUES (1, 10, X'7B7D', 2, 0, 0, NULL);
                    INSERT INTO point (series, time, value) VALUES (1, 40, 19), (1, 50, 20);
                """)
            let store = try SQLiteStore(path: path)
            // Block 0's range is widened from the message's 10 to the points' 50.
            #expect(try await store.read { try Row.fetchAll($0, sql: "SELECT id, first, last FROM block").map { "\($0[0] as Int64) \($0[1] as Double) \($0[2] as Double)" } }
                == ["0 10.0 50.0"])
            #expect(try await store.points(broker: "home", topic: "zigbee2mqtt/bedroom", path: "temperature", since: 45).map(\.value) == [20])
        }
    }

    @Test func readsCrossBlocksAndPruningForgetsTheEmptiedOnes() async throws {
        try await Self.withFolder { folder in
            let store = try SQLiteStore(path: folder + "/home.sqlite")
            try await store.write([message("home/hall", "0", at: 1), message("home/door", "open", at: 2)], broker: "home")
            // The next messages straddle the boundary between the first two blocks; the door
            // falls quiet in the first.
            let boundary = Int64(1) << SQLiteStore.blockShift
            try await store.pool.write { try $0.execute(sql: "UPDATE sqlite_sequence SET seq = ? WHERE name = 'message'", arguments: [boundary - 4]) }
            try await store.write((1...8).map { message("home/hall", #"{"t": \#($0)}"#, at: Double(10 + $0)) }, broker: "home")
            #expect(try await store.read { try Int64.fetchAll($0, sql: "SELECT id FROM block ORDER BY id") } == [0, 1])
            // Block 0 filled: each topic in it keeps it as its newest full block.
            #expect(try await store.read { try Row.fetchAll($0, sql: "SELECT name, block FROM topic ORDER BY name").map { "\($0[0] as String) \($0[1] as Int64)" } }
                == ["home/door 0", "home/hall 0"])
            // The quiet topic is found in its own block, by every read.
            #expect(try await store.messages(broker: "home", topic: "home/door", before: 100, limit: 5).map(\.time) == [2])
            #expect(try await store.messages(broker: "home", topic: "home/door", since: 0).map(\.time) == [2])
            #expect(try await store.points(broker: "home", topic: "home/hall", path: "t", since: 0).map(\.value) == (1...8).map(Double.init))
            #expect(try await store.messages(broker: "home", topic: "home/hall", since: 12).map(\.time) == (12...18).map(Double.init))
            // A page from the newest block back into the older one, then the rest.
            let page = try await store.messages(broker: "home", topic: "home/hall", before: 18, limit: 6)
            #expect(page.map(\.time) == [18, 17, 16, 15, 14, 13])
            #expect(try await store.messages(broker: "home", topic: "home/hall", before: 13, id: page[5].id, limit: 6).map(\.time) == [12, 11, 1])
            let series = try await store.series(broker: "home", of: "home/hall", since: 0, points: 5)
            #expect(series.first { $0.path == "t" }?.points.map(\.value) == [4, 5, 6, 7, 8])
            #expect(try await store.latest(broker: "home", since: 0).map { "\($0.topic) \(String(decoding: $0.last.payload, as: UTF8.self))" }.sorted()
                == ["home/door open", #"home/hall {"t": 8}"#])
            #expect(try await store.latest(broker: "home", since: 5).map(\.topic) == ["home/hall"])
            #expect(try await store.topics(broker: nil).map(\.messages) == [1, 9])
            // A replay walks the blocks its range reaches, in time order, in pages.
            let first = try await store.messages(broker: "home", from: 12, until: 17, after: nil, limit: 3)
            #expect(first.allSatisfy { $0.topic == "home/hall" })
            #expect(first.map(\.message.time) == [12, 13, 14])
            let rest = try await store.messages(broker: "home", from: 12, until: 17, after: (first[2].message.time, first[2].message.id), limit: 3)
            #expect(rest.map(\.message.time) == [15, 16])
            #expect(try await store.messageCount(broker: "home", from: 12, until: 17) == 5)
            // Pruning everything before 15 empties block 0 (ids up to 65,535), which is then forgotten.
            let more = try await store.prune(now: 15 + 3600, retention: Retention(raw: 3600, minutes: 86_400, maximumBytes: 1 << 30), budget: .seconds(5))
            #expect(!more)
            #expect(try await store.read { try Int64.fetchAll($0, sql: "SELECT id FROM block ORDER BY id") } == [1])
            #expect(try await store.messages(broker: "home", topic: "home/hall", since: 0).map(\.time) == [15, 16, 17, 18])
        }
    }

    @Test func aMinuteStillFillingIsWrittenAtCloseOrRecomputedByTheNextWriter() async throws {
        try await Self.withFolder { folder in
            let path = folder + "/home.sqlite"
            let start = 1_800_000_000.0  // a minute's start
            let counts = { (store: SQLiteStore) in
                try await store.minutes(broker: "home", topic: "home/hall", path: "", since: start).map { "\($0.minute - Int64(start / 60)):\($0.count)" }
            }
            // Minute 0 ends when minute 1's batch comes; minute 1 is still filling.
            let first = try SQLiteStore(path: path)
            try await first.write([message("home/hall", "20", at: start), message("home/hall", "21", at: start + 30)], broker: "home")
            #expect(try await counts(first) == [])
            try await first.write([message("home/hall", "22", at: start + 60), message("home/hall", "23", at: start + 90)], broker: "home")
            #expect(try await counts(first) == ["0:2"])
            // The first writer stops without closing (a kill -9): the next recomputes minute 1 from
            // the raw rows before it writes.
            let next = try SQLiteStore(path: path)
            try await next.write([message("home/hall", "24", at: start + 180)], broker: "home")
            #expect(try await counts(next) == ["0:2", "1:2"])
            #expect(try await next.minutes(broker: "home", topic: "home/hall", path: "", since: start).last.map { [$0.min, $0.max, $0.sum] } == [22, 23, 45])
            // Closing writes the minute still filling.
            await next.close()
            #expect(try await counts(next) == ["0:2", "1:2", "3:1"])
        }
    }

    @Test func twoBrokersWritingAtOnceIntoOneFileKeepEveryMinuteOnce() async throws {
        try await Self.withFolder { folder in
            let store = try SQLiteStore(path: folder + "/home.sqlite")
            let start = 1_800_000_000.0
            // Two pipelines' writes overlap (hearth record -b a -b b into one file), over 4 minutes.
            try await withThrowingTaskGroup(of: Void.self) { group in
                for broker in ["a", "b"] {
                    group.addTask {
                        for second in stride(from: 0, to: 240, by: 5) {
                            try await store.write((0..<5).map { message("home/hall", "\(20 + $0)", at: start + Double(second + $0)) }, broker: broker)
                        }
                    }
                }
                try await group.waitForAll()
            }
            await store.close()
            for broker in ["a", "b"] {
                #expect(try await store.minutes(broker: broker, topic: "home/hall", path: "", since: start).map(\.count) == [60, 60, 60, 60], "\(broker)")
            }
        }
    }

    @Test func aFileThatIsNotAStoreIsOneLine() async throws {
        try await Self.withFolder { folder in
            let garbage = folder + "/garbage.sqlite"
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: garbage))
            #expect { _ = try SQLiteStore(path: garbage, readOnly: true) } throws: { error in
                "\(error)".hasPrefix("cannot open the history store \(garbage): ") && !"\(error)".contains("\n")
            }
        }
    }

    @Test func theDefaultPathFollowsXDG() {
        #expect(SQLiteStore.defaultPath(host: "broker.lan", port: 1883, environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"])
            == "/s/hearth/broker.lan-1883.sqlite")
        #expect(SQLiteStore.defaultPath(host: "::1", port: 8883, environment: ["HOME": "/h"]) == "/h/.local/state/hearth/__1-8883.sqlite")
    }
}
