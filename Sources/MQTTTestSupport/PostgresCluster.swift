import Foundation
import Synchronization

/// A PostgreSQL cluster for the tests: the one the test command started (`HEARTH_TEST_POSTGRES`,
/// its superuser's URL), else one started on first use with `Tests/postgres.sh` and stopped when
/// the test process exits. Each test takes a database of its own.
public actor PostgresCluster {
    public static let shared = PostgresCluster()

    private var started: Task<String, any Error>?
    private var databases = 0

    /// The folder of a cluster this process started, stopped at exit.
    private static let ownFolder = Mutex<String?>(nil)

    /// `Tests/postgres.sh`, from this file's place in the package.
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Tests/postgres.sh").path

    /// The superuser's URL (`postgres://hearth@127.0.0.1:PORT/postgres`).
    public func url() async throws -> String {
        if let started { return try await started.value }
        let task = Task { try await Self.start() }
        started = task
        return try await task.value
    }

    /// An empty database of its own, for one test (owned by `owner`, else the superuser): its URL.
    public func freshDatabase(owner: String? = nil) async throws -> String {
        let admin = try await url()
        databases += 1
        let name = "test_\(getpid())_\(databases)"
        try await Self.psql(admin, "CREATE DATABASE \(name)" + (owner.map { " OWNER \($0)" } ?? ""))
        return Self.url(admin, database: name)
    }

    /// `url` naming another database.
    public static func url(_ url: String, database: String) -> String {
        guard let slash = url.range(of: "/", options: .backwards, range: url.range(of: "://").map { $0.upperBound..<url.endIndex }) else {
            return url + "/" + database
        }
        return url[..<slash.upperBound] + database
    }

    /// Runs one statement with psql; a failure throws with psql's words.
    @discardableResult
    public static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await ChildProcess.run(["psql", "-X", "-q", "-t", "-A", url, "-c", sql], timeout: 60)
        guard result.status == 0 else { throw TestSupportError("psql \(sql): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A cluster of its own, for a test that stops and starts its server: removed after `body`.
    public static func withOwnCluster<Result>(_ body: (OwnCluster) async throws -> Result) async throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-pg-own-\(UUID().uuidString)").path
        let started = try await ChildProcess.run([script, "start", folder], timeout: 120)
        guard started.status == 0 else { throw TestSupportError("cannot start a PostgreSQL cluster (\(script)): \(started.stderr)") }
        let cluster = OwnCluster(url: started.stdout.trimmingCharacters(in: .whitespacesAndNewlines), folder: folder)
        do {
            let result = try await body(cluster)
            try await ChildProcess.run([script, "stop", folder], timeout: 60)
            return result
        } catch {
            try await ChildProcess.run([script, "stop", folder], timeout: 60)
            throw error
        }
    }

    /// A cluster a test stops and starts.
    public struct OwnCluster: Sendable {
        /// The superuser's URL.
        public let url: String
        let folder: String

        /// Stops the server (fast shutdown: connections are cut), keeping its data.
        public func down() async throws { try await run("down") }
        /// Starts it again on its port, and waits until it accepts connections.
        public func up() async throws { try await run("up") }

        private func run(_ command: String) async throws {
            let result = try await ChildProcess.run([PostgresCluster.script, command, folder], timeout: 60)
            guard result.status == 0 else { throw TestSupportError("postgres.sh \(command): \(result.stderr)") }
        }
    }

    private static func start() async throws -> String {
        if let url = ProcessInfo.processInfo.environment["HEARTH_TEST_POSTGRES"], !url.isEmpty { return url }
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-pg-\(getpid())").path
        let result = try await ChildProcess.run([script, "start", folder], timeout: 120)
        guard result.status == 0 else { throw TestSupportError("cannot start a PostgreSQL cluster (\(script)): \(result.stderr)") }
        ownFolder.withLock { $0 = folder }
        atexit {
            guard let folder = PostgresCluster.ownFolder.withLock({ $0 }) else { return }
            _ = system("'\(PostgresCluster.script)' stop '\(folder)'")
        }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
