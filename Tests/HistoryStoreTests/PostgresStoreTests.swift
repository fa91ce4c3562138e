import Foundation
import HistoryStore
import MQTTTestSupport
@testable import PostgresHistory
import Testing

/// What only the PostgreSQL store does: its URL, its password file, its partitions, and a
/// server that refuses or is not there, each one line.
@Suite(.timeLimit(.minutes(2)))
struct PostgresStoreTests {
    @Test func aURLReadsAsLibpqReadsIt() throws {
        let url = try PostgresURL(parsing: "postgresql://rec:s%40cret@db.lan:6543/fleet?sslmode=require&application_name=cabin", environment: [:])
        #expect(url.host == "db.lan" && url.port == 6543 && url.user == "rec" && url.password == "s@cret" && url.database == "fleet")
        #expect(url.sslMode == .require && url.applicationName == "cabin")
        #expect(url.description == "postgres://rec@db.lan:6543/fleet", "never the password")
        let bare = try PostgresURL(parsing: "postgres://", environment: ["USER": "ann", "PGPORT": "5433"])
        #expect(bare.host == "localhost" && bare.port == 5433 && bare.user == "ann" && bare.database == "ann" && bare.sslMode == .prefer)
        #expect(throws: PostgresURL.Problem.self) { try PostgresURL(parsing: "postgres://db/x?sslmode=sometimes", environment: [:]) }
        #expect { try PostgresURL(parsing: "postgres://u:pw@db/x?pool=5", environment: [:]) } throws: { error in
            "\(error)" == "unknown option 'pool' in the store URL (known: sslmode, sslrootcert, connect_timeout, application_name)"
        }
        #expect(PostgresURL.redacted("postgres://u:hunter2@db/x") == "postgres://u:***@db/x")
    }

    @Test func thePasswordFileIsReadAsLibpqReadsIt() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-pgpass-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/pgpass"
        try "# comment\nother:5432:*:rec:no\ndb.lan:*:fleet:rec:pa\\:ss\n*:*:*:*:fallback\n".write(toFile: file, atomically: true, encoding: .utf8)
        let url = try PostgresURL(parsing: "postgres://rec@db.lan/fleet", environment: [:])
        // Others may read it: ignored, as libpq does.
        chmod(file, 0o644)
        #expect(PasswordFile.password(for: url, environment: ["PGPASSFILE": file]) == nil)
        chmod(file, 0o600)
        #expect(PasswordFile.password(for: url, environment: ["PGPASSFILE": file]) == "pa:ss")
        #expect(PasswordFile.password(for: try PostgresURL(parsing: "postgres://x@y/z", environment: [:]), environment: ["PGPASSFILE": file]) == "fallback")
    }

    @Test func messagesGoIntoDayPartitionsMadeAhead() async throws {
        let url = try PostgresURL(parsing: try await PostgresCluster.shared.freshDatabase())
        let store = try await PostgresStore(url: url, password: nil)
        let day = 86_400.0
        let time = 1_800_000_000.0
        try await store.write([message("a", "1", at: time), message("a", "2", at: time + day)], broker: "home")
        await store.close()
        let now = Date().timeIntervalSince1970
        let partitions = try await PostgresCluster.psql("\(url.description)", """
            SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname = 'message'
            """).split(separator: " ").map(String.init)
        let expected = Set([time, time + day, now, now + day].map { "message_" + PostgresStore.partitionSuffix(day: PostgresStore.day(of: $0)) })
        #expect(Set(partitions) == expected, "the batch's days, today and tomorrow")
        #expect(PostgresStore.day(partition: "message_20270115") == PostgresStore.day(of: time))
        // Each partition has the per-topic index and the BRIN on time, and nothing else.
        let indexes = try await PostgresCluster.psql("\(url.description)", """
            SELECT count(*) FROM pg_indexes WHERE tablename = 'message_\(PostgresStore.partitionSuffix(day: PostgresStore.day(of: time)))'
            """)
        #expect(indexes == "2")
    }

    @Test func minutesStillFillingAreWrittenWhenTheyEndAndRecomputedAfterACrash() async throws {
        let url = try PostgresURL(parsing: try await PostgresCluster.shared.freshDatabase())
        let start = 1_800_000_000.0  // the start of a minute
        let crashed = try await PostgresStore(url: url, password: nil)
        try await crashed.write([message("t", "1", at: start), message("t", "2", at: start + 10)], broker: "home")
        try await crashed.write([message("t", "3", at: start + 20), message("t", "4", at: start + 61)], broker: "home")
        // The first minute ended with the second batch: written. The second is still filling.
        #expect(try await crashed.minutes(broker: "home", topic: "t", path: "", since: 0).map(\.count) == [3])
        try await crashed.write([message("t", "5", at: start + 62)], broker: "home")
        // The recorder stops without closing (kill -9): its open minute is lost with it. The next
        // one recomputes it from the raw messages before it writes.
        await crashed.dropConnectionsForTesting()
        let next = try await PostgresStore(url: url, password: nil)
        try await next.write([message("t", "6", at: start + 125)], broker: "home")
        #expect(try await next.minutes(broker: "home", topic: "t", path: "", since: 0).map { "\($0.count) \($0.sum)" } == ["3 6.0", "2 9.0"])
        await next.close()
        let reader = try await PostgresStore(url: url, password: nil, readOnly: true)
        #expect(try await reader.minutes(broker: "home", topic: "t", path: "", since: 0).map { "\($0.count) \($0.sum)" } == ["3 6.0", "2 9.0", "1 6.0"])
        await reader.close()
    }

    @Test func oneWriterPerBrokerAndTheClaimIsTakenAgainAfterARestart() async throws {
        try await PostgresCluster.withOwnCluster { cluster in
            let url = try PostgresURL(parsing: PostgresCluster.url(cluster.url, database: "postgres"))
            let first = try await PostgresStore(url: url, password: nil)
            try await first.claim(broker: "home")
            let second = try await PostgresStore(url: url, password: nil)
            await #expect { try await second.claim(broker: "home") } throws: { error in
                "\(error)" == "another hearth is recording home into \(url) (hearth record, or hearth --record); one writer per broker"
            }
            try await second.claim(broker: "cabin")
            // The database restarts: the claims went with the connections, and come back without a batch.
            try await cluster.down()
            try await cluster.up()
            try await waitUntil("the claims taken again") {
                try await PostgresCluster.psql(url.description, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted") == "2"
            }
            await #expect(throws: StoreFailure.self) { try await second.claim(broker: "home") }
            await first.close()
            await second.close()
        }
    }

    @Test func aWrongPasswordAMissingDatabaseAndNoServerAreOneLineEach() async throws {
        let admin = try await PostgresCluster.shared.url()
        let port = try #require(URLComponents(string: admin)?.port)
        await #expect { _ = try await PostgresStore(url: PostgresURL(parsing: "postgres://secret@127.0.0.1:\(port)/postgres?sslmode=disable"), password: "wrong") } throws: { error in
            "\(error)" == "cannot open the history store postgres://secret@127.0.0.1:\(port)/postgres: password authentication failed for user \"secret\""
        }
        // The right one, from the password file.
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-pgpass-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try "127.0.0.1:\(port):*:secret:right\n".write(toFile: folder + "/pgpass", atomically: true, encoding: .utf8)
        chmod(folder + "/pgpass", 0o600)
        let owned = try await PostgresCluster.shared.freshDatabase(owner: "secret")
        let signedIn = try await PostgresStore(url: PostgresURL(parsing: owned.replacingOccurrences(of: "hearth@", with: "secret@")), password: nil,
                                               environment: ["PGPASSFILE": folder + "/pgpass"])
        try await signedIn.write([message("a", "1", at: 1_800_000_000)], broker: "home")
        await signedIn.close()
        await #expect { _ = try await PostgresStore(url: PostgresURL(parsing: "postgres://hearth@127.0.0.1:\(port)/nosuch"), password: nil) } throws: { error in
            "\(error)" == "cannot open the history store postgres://hearth@127.0.0.1:\(port)/nosuch: database \"nosuch\" does not exist"
        }
        let closed = LoopbackPort.free()
        await #expect { _ = try await PostgresStore(url: PostgresURL(parsing: "postgres://hearth@127.0.0.1:\(closed)/x?connect_timeout=2"), password: nil) } throws: { error in
            "\(error)".hasPrefix("cannot open the history store postgres://hearth@127.0.0.1:\(closed)/x: ") && !"\(error)".contains("\n")
                && "\(error)".lowercased().contains("refused")
        }
        // A database with no Hearth tables is not read as an empty past.
        let empty = try PostgresURL(parsing: try await PostgresCluster.shared.freshDatabase())
        await #expect { _ = try await PostgresStore(url: empty, password: nil, readOnly: true) } throws: { error in
            "\(error)" == "cannot open the history store \(empty): it holds no recorded history yet (hearth record --store URL writes it)"
        }
    }
}
