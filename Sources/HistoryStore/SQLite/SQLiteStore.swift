import Foundation
import GRDB
import Synchronization

/// One SQLite file of recorded history (WAL: one writer, any number of readers), opened for
/// writing by `hearth record` or read-only by the dashboard and `hearth history`: the default
/// store, for a home.
///
/// ```swift
/// let store = try SQLiteStore(path: SQLiteStore.defaultPath(host: "localhost", port: 1883))
/// try await store.write(messages, broker: "home")
/// let points = try await store.points(broker: "home", topic: "home/hall/temperature", path: "", since: now - 86_400)
/// ```
public final class SQLiteStore: HistoryStorage {
    public let path: String
    public var location: String { path }
    let pool: DatabasePool
    /// Broker, topic and series ids already in the file, so a batch looks each up once per
    /// run, not once per batch. Only ever added to: rows are never renumbered.
    let ids = Mutex(IDCache())

    struct IDCache {
        var brokers: [String: Int64] = [:]
        var topics: [TopicKey: Int64] = [:]
        var series: [SeriesKey: Int64] = [:]
        /// The minutes still filling, written when they end or when the store closes.
        var minutes = OpenMinutes()
    }

    struct TopicKey: Hashable {
        let broker: Int64
        let name: String
    }

    struct SeriesKey: Hashable {
        let topic: Int64
        let path: String
    }

    /// Opens (and creates, unless `readOnly`) the store at `path`, migrating it to this
    /// version's schema.
    public init(path: String, readOnly: Bool = false) throws(StoreFailure) {
        self.path = path
        var configuration = Configuration()
        configuration.readonly = readOnly
        configuration.busyMode = .timeout(5)
        // WAL with NORMAL: a commit survives a crash of the process (kill -9); only a power loss
        // may take the last ones back. The writer's 32 MB page cache holds the pages a batch
        // touches (the newest block's index pages, the topics, series and minutes), so they are
        // not read back from the file on every batch, and a
        // checkpoint every 64 MB of log (not 4 MB) writes a page changed by many batches once.
        configuration.prepareDatabase { db in
            if !db.configuration.readonly { try db.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA cache_size = -32768; PRAGMA wal_autocheckpoint = 16384") }
        }
        do {
            let folder = (path as NSString).deletingLastPathComponent
            if !readOnly, !folder.isEmpty {
                try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            }
            pool = try DatabasePool(path: path, configuration: configuration)
            let migrator = SQLiteSchema.migrator
            let known = Set(migrator.migrations)
            let applied = try pool.read { try migrator.appliedIdentifiers($0) }
            guard applied.isSubset(of: known) else { throw StoreFailure.newerSchema(store: path) }
            if !readOnly {
                try migrator.migrate(pool)
            } else if applied != known {
                // A reader cannot update the layout, and this version's reads need it.
                throw StoreFailure.olderSchema(store: path)
            }
        } catch let failure as StoreFailure {
            throw failure
        } catch {
            throw .cannotOpen(store: path, reason: Self.describe(error))
        }
    }

    /// Writes the minutes still filling. Should that fail, the next writer recomputes them from
    /// the raw rows (`recoverMinutes`).
    public func close() async {
        // On the writer queue, after any write in flight; every broker's minutes are then written,
        // so each mark moves past them and the next writer has nothing to recompute.
        try? await pool.writeWithoutTransaction { db in
            let minutes = self.ids.withLock { $0.minutes }
            guard let newest = minutes.open.keys.map(\.minute).max() else { return }
            try db.inTransaction {
                try Self.upsert(minutes.open, in: db)
                for (broker, before) in minutes.writtenBefore where before <= newest {
                    try Self.saveSetting(OpenMinutes.markName(broker: broker), Double(newest + 1), in: db)
                }
                return .commit
            }
            self.ids.withLock { cache in
                cache.minutes.open = [:]
                for (broker, before) in cache.minutes.writtenBefore { cache.minutes.writtenBefore[broker] = max(before, newest + 1) }
            }
        }
    }

    /// The file's one writer is claimed before it opens (`HistoryWriterLock`), for every broker.
    public func claim(broker: String) async throws(StoreFailure) {}

    /// `$XDG_STATE_HOME` (`~/.local/state` when unset), where Hearth keeps what it records and
    /// what `hearth watch` remembers, each under `hearth/`.
    public static func stateFolder(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 } ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
    }

    /// `$XDG_STATE_HOME/hearth/<host>-<port>.sqlite` (with `~/.local/state` when unset).
    public static func defaultPath(host: String, port: Int, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = stateFolder(environment: environment)
        let safeHost = host.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" ? $0 : "_" }
        return "\(state)/hearth/\(String(safeHost))-\(port).sqlite"
    }

    /// SQLite's message in words.
    static func describe(_ error: any Error) -> String {
        if let database = error as? DatabaseError { return database.message ?? "\(database.resultCode)" }
        return "\(error)"
    }
}
