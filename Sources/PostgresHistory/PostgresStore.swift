import Foundation
import HistoryStore
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// Recorded history in a PostgreSQL database, for a fleet: several recorders (a broker each)
/// write into one database at once, and any number of dashboards read it.
///
/// The store keeps two connections, opened when first needed and again after a failure: one
/// for writing (COPY in batches, a transaction each) and one for reading, so a reader never
/// lands inside a write's transaction.
///
/// ```swift
/// let store = try await PostgresStore(url: PostgresURL(parsing: "postgres://hearth@db/hearth"), password: nil)
/// try await store.write(messages, broker: "home")
/// ```
public actor PostgresStore: HistoryStorage {
    public nonisolated let location: String
    let url: PostgresURL
    let password: String?
    /// Quiet: failures reach the caller as `StoreFailure`, one line each.
    let logger = Logger(label: "hearth-postgres", factory: { _ in SwiftLogNoOpLogHandler() })

    /// The two connections, each opened when first needed and again after a failure.
    private var connections: [Role: PostgresConnection] = [:]
    /// A connection being opened: callers meanwhile wait for it rather than open another.
    private var opening: [Role: Task<PostgresConnection, any Error>] = [:]
    /// Closed for good: nothing opens a connection again.
    private var isClosed = false
    /// The brokers whose one writer this store is (an advisory lock on the writing connection).
    private var claimed: [String: Int32] = [:]
    /// Takes the claims again soon after the writing connection was lost (a database restart),
    /// not only at the next batch, so a second writer cannot slip in meanwhile.
    private var claimKeeper: Task<Void, Never>?

    enum Role {
        /// COPY batches, a transaction each, and everything else that writes.
        case writer
        /// The reads, never inside a write's transaction.
        case reader
    }
    /// A batch being written: the next waits (a batch is a transaction on the one writer).
    private var writing = false
    private var waitingWriters: [CheckedContinuation<Void, Never>] = []

    /// Ids already in the database: only ever added to, rows are never renumbered.
    var brokerIDs: [String: Int32] = [:]
    var topicIDs: [TopicKey: Int64] = [:]
    var seriesIDs: [SeriesKey: Int64] = [:]
    /// Days whose partitions exist.
    var partitionDays: Set<Int64> = []
    /// Per-minute totals of the minutes still filling, written when they end.
    var minutes = OpenMinutes()

    struct TopicKey: Hashable {
        let broker: Int32
        let name: String
    }

    struct SeriesKey: Hashable {
        let topic: Int64
        let path: String
    }

    /// Opened for reading: the server refuses every write (`default_transaction_read_only`).
    let readOnly: Bool

    /// Connects, checks the schema, and (unless `readOnly`) creates or migrates it.
    ///
    /// - Parameters:
    ///   - password: from the profile or the environment; nil tries the URL's, then the password
    ///     file (`~/.pgpass`, or `PGPASSFILE` in `environment`).
    /// - Throws: one line: unreachable, refused, no such database, or written by a newer Hearth.
    public init(url: PostgresURL, password: String?, readOnly: Bool = false,
                environment: [String: String] = ProcessInfo.processInfo.environment) async throws(StoreFailure) {
        self.url = url
        self.location = url.description
        self.readOnly = readOnly
        self.password = url.password ?? password ?? PasswordFile.password(for: url, environment: environment)
        do {
            try await migrate(on: connection(.reader), readOnly: readOnly)
        } catch let failure as StoreFailure {
            await close()
            throw failure
        } catch {
            await close()
            throw .cannotOpen(store: location, reason: Self.describe(error))
        }
    }

    /// Writes the minutes still filling, then closes the connections for good: a later call
    /// fails, and none is left open behind it.
    public func close() async {
        guard !isClosed else { return }
        try? await writeOpenMinutes()
        await closeForGood()
    }

    /// Closes the connections without writing the open minutes: a recorder killed.
    package func dropConnectionsForTesting() async {
        await closeForGood()
    }

    private func closeForGood() async {
        isClosed = true
        claimKeeper?.cancel()
        for connection in connections.values { try? await connection.close() }
        connections = [:]
    }

    // MARK: - Connections

    private func connect() async throws -> PostgresConnection {
        var configuration = PostgresConnection.Configuration(host: url.host, port: url.port, username: url.user, password: password,
                                                             database: url.database, tls: try tls())
        configuration.options.connectTimeout = .seconds(Int64(url.connectTimeout))
        configuration.options.additionalStartupParameters = [("application_name", url.applicationName)]
            + (readOnly ? [("default_transaction_read_only", "on")] : [])
        return try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
    }

    private func tls() throws -> PostgresConnection.Configuration.TLS {
        var tls = TLSConfiguration.makeClientConfiguration()
        switch url.sslMode {
        case .disable: return .disable
        case .prefer, .require: tls.certificateVerification = .none
        case .verifyCA: tls.certificateVerification = .noHostnameVerification
        case .verifyFull: tls.certificateVerification = .fullVerification
        }
        if let root = url.sslRootCertificate { tls.trustRoots = .file(root) }
        let context = try NIOSSLContext(configuration: tls)
        return url.sslMode == .prefer ? .prefer(context) : .require(context)
    }

    func readConnection() async throws -> PostgresConnection { try await connection(.reader) }
    func writeConnection() async throws -> PostgresConnection { try await connection(.writer) }

    /// The connection for `role`, opened (once, however many ask meanwhile) if it is not open.
    /// A new writing connection takes again the writer's claims the last one held.
    private func connection(_ role: Role) async throws -> PostgresConnection {
        if isClosed { throw PostgresStoreError("the store was closed") }
        if let open = connections[role], !open.isClosed { return open }
        if let pending = opening[role] { return try await pending.value }
        let task = Task { try await connect() }
        opening[role] = task
        defer { opening[role] = nil }
        let connection = try await task.value
        guard !isClosed else {
            try? await connection.close()
            throw PostgresStoreError("the store was closed")
        }
        if role == .writer {
            for (broker, id) in claimed where !(try await lock(broker: id, on: connection)) {
                // Another writer took the broker while this one was away: nothing is written
                // through a connection without the claim.
                try? await connection.close()
                throw StoreFailure.anotherBrokerWriter(store: location, broker: broker)
            }
        }
        connections[role] = connection
        return connection
    }

    // MARK: - One writer per broker

    /// Claims `broker`'s past: one writer per broker, so no two recorders add one broker's
    /// minutes twice. Held as long as the store is open (a session advisory lock, released with
    /// the connection, `kill -9` included).
    public func claim(broker: String) async throws(StoreFailure) {
        do {
            try await asTheWriter {
                let connection = try await writeConnection()
                let id = try await brokerID(broker, on: connection)
                guard try await lock(broker: id, on: connection) else { throw StoreFailure.anotherBrokerWriter(store: location, broker: broker) }
                claimed[broker] = id
            }
            if claimKeeper == nil {
                claimKeeper = Task.detached { [weak self] in
                    while !Task.isCancelled {
                        try? await Task.sleep(for: .seconds(2))
                        // A store let go of without closing ends its keeper too.
                        guard let self else { return }
                        await self.keepClaims()
                    }
                }
            }
        } catch let failure as StoreFailure {
            throw failure
        } catch {
            throw .cannotOpen(store: location, reason: Self.describe(error))
        }
    }

    /// Opens the writing connection again if it was lost, which takes the claims again.
    private func keepClaims() async {
        guard !isClosed else { return }
        _ = try? await asTheWriter { try await writeConnection() }
    }

    private func lock(broker id: Int32, on connection: PostgresConnection) async throws -> Bool {
        try await connection.query("SELECT pg_try_advisory_lock(\(PostgresSchema.writerLockKey), \(id))", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
    }

    /// Runs `body` as the one writer: batches are written one after another.
    func asTheWriter<Value>(_ body: () async throws -> Value) async rethrows -> Value {
        if writing {
            await withCheckedContinuation { waitingWriters.append($0) }
        } else {
            writing = true
        }
        defer {
            // Handed straight to the next, still writing.
            if waitingWriters.isEmpty { writing = false } else { waitingWriters.removeFirst().resume() }
        }
        return try await body()
    }

    // MARK: - Schema

    private func migrate(on connection: PostgresConnection, readOnly: Bool) async throws {
        let exists = try await connection.query("SELECT to_regclass('hearth_migration') IS NOT NULL", logger: logger)
            .collect().first?.decode(Bool.self) ?? false
        var applied = 0
        if exists {
            applied = try await connection.query("SELECT coalesce(max(version), 0) FROM hearth_migration", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
        }
        if applied > PostgresSchema.migrations.count { throw StoreFailure.newerSchema(store: location) }
        guard !readOnly else {
            if !exists { throw StoreFailure.cannotOpen(store: location, reason: "it holds no recorded history yet (hearth record --store URL writes it)") }
            return
        }
        guard applied < PostgresSchema.migrations.count else { return }
        // Under a lock, so recorders starting together migrate once.
        _ = try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockKey))", logger: logger)
            try await connection.query("CREATE TABLE IF NOT EXISTS hearth_migration (version integer PRIMARY KEY, applied timestamptz NOT NULL DEFAULT now())",
                                       logger: logger)
            let done = try await connection.query("SELECT coalesce(max(version), 0) FROM hearth_migration", logger: logger)
                .collect().first?.decode(Int.self) ?? 0
            for (index, statements) in PostgresSchema.migrations.enumerated() where index + 1 > done {
                for sql in statements { try await connection.query(PostgresQuery(unsafeSQL: sql), logger: logger) }
                try await connection.query("INSERT INTO hearth_migration (version) VALUES (\(index + 1))", logger: logger)
            }
        }
    }

    /// Records a migration this version does not know, as a newer Hearth would have.
    package func markAppliedForTesting(_ version: Int) async throws {
        try await readConnection().query("INSERT INTO hearth_migration (version) VALUES (\(version))", logger: logger)
    }

    // MARK: - Errors

    /// PostgreSQL's own words when the server said something, else what stopped the connection.
    static func describe(_ error: any Error) -> String {
        if let failure = error as? StoreFailure { return failure.description }
        if let transaction = error as? PostgresTransactionError {
            return describe(transaction.beginError ?? transaction.closureError ?? transaction.commitError ?? transaction.rollbackError ?? error)
        }
        // NIO's own words for an unreachable server are for programmers: say which and why.
        if let connection = error as? NIOConnectionError {
            let why = connection.connectionErrors.first.map { describe($0.error) } ?? "no address for the host"
            return "cannot reach \(connection.host):\(connection.port): \(why)"
        }
        if let io = error as? IOError { return String(cString: strerror(io.errnoCode)).lowercased() }
        if let channel = error as? ChannelError, case .connectTimeout = channel { return "timed out connecting" }
        guard let psql = error as? PSQLError else { return "\(error)" }
        if let message = psql.serverInfo?[.message] { return message }
        if let underlying = psql.underlying { return describe(underlying) }
        switch psql.code {
        case .serverClosedConnection, .uncleanShutdown: return "the server closed the connection"
        case .sslUnsupported: return "the server does not offer TLS (sslmode=disable, or prefer, connects without)"
        case .authMechanismRequiresPassword: return "the server asks for a password (give it with PGPASSWORD, ~/.pgpass, or the profile's store_password_file)"
        default: return "\(psql.code)"
        }
    }
}

