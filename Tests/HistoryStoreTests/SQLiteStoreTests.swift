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

    @Test func aVersion1StoreIsMigratedWithItsHistory() async throws {
        try await Self.withFolder { folder in
            // A store as the first release wrote it: plain numbers as points at path "".
            let path = folder + "/old.sqlite"
            let old = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(old, upTo: "v1")
            try await old.write { db in
                try db.execute(sql: """
                    INSERT INTO topic (id, name) VALUES (1, 'home/hall');
                    INSERT INTO series (id, topic, path) VALUES (1, 1, '');
                    INSERT INTO message (topic, time, payload, size, qos, retain) VALUES (1, 10, X'3231', 2, 0, 0), (1, 20, X'3232', 2, 0, 0);
                    INSERT INTO point (series, time, value) VALUES (1, 10, 21), (1, 20, 22);
                    INSERT INTO minute (series, minute, min, max, sum, count) VALUES (1, 0, 21, 22, 43, 2);
                    """)
            }
            try old.close()
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
            let path = folder + "/v2.sqlite"
            let old = try DatabaseQueue(path: path)
            try SQLiteSchema.migrator.migrate(old, upTo: "v2")
            try await old.write { db in
                try db.execute(sql: """
                    INSERT INTO topic (id, name) VALUES (1, 'home/hall'), (2, 'home/door');
                    INSERT INTO series (id, topic, path) VALUES (1, 1, '');
                    INSERT INTO message (topic, time, payload, size, qos, retain, value) VALUES
                      (1, 10, X'3231', 2, 0, 0, 21), (1, 20, X'3232', 2, 0, 0, 22), (2, 15, X'6F70656E', 4, 1, 1, NULL);
                    INSERT INTO minute (series, minute, min, max, sum, count) VALUES (1, 0, 21, 22, 43, 2);
                    INSERT INTO setting (name, value) VALUES ('retention.raw', 3600), ('retention.minutes', 86400), ('retention.maximumBytes', 1048576);
                    """)
            }
            try old.close()
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
            #expect(try await reader.minutes(broker: "home", topic: "home/hall", path: "", since: 0).map(\.count) == [2, 1])
            // With two brokers, one must be named.
            await #expect { _ = try await reader.recordedBroker("127.0.0.1:1883") } throws: { error in
                "\(error)" == "the history store \(path) holds no broker 127.0.0.1:1883 (it holds cabin, home; name one with --broker)"
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
