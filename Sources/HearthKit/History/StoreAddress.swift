import Foundation
import HistoryStore
import PostgresHistory

/// Where a history store is, as `--store` or a profile's `store` names it: a file (SQLite, the
/// default) or a `postgres://` URL.
public enum StoreAddress: Equatable, Sendable, CustomStringConvertible {
    case file(String)
    case postgres(PostgresURL)

    /// - Throws: one line for a URL of another scheme, or a PostgreSQL URL that does not parse.
    public init(parsing text: String) throws(ConfigurationError) {
        if PostgresURL.isPostgres(text) {
            do {
                self = .postgres(try PostgresURL(parsing: text))
            } catch {
                throw ConfigurationError("store: \(error)")
            }
        } else if let scheme = text.range(of: "://").map({ text[..<$0.lowerBound] }), !scheme.contains("/") {
            throw ConfigurationError("store: unknown scheme '\(scheme)://' (give a file, or postgres://user@host/dbname)")
        } else {
            self = .file((text as NSString).expandingTildeInPath)
        }
    }

    /// As printed: a path, or the URL without its password.
    public var description: String {
        switch self {
        case let .file(path): return path
        case let .postgres(url): return url.description
        }
    }

    /// Whether it is a database (many writers, one per broker) rather than a file.
    public var isDatabase: Bool {
        if case .postgres = self { return true }
        return false
    }

    /// Whether a store is there to read: a file that exists (a database is asked when opened).
    public var mayExist: Bool {
        if case let .file(path) = self { return FileManager.default.fileExists(atPath: path) }
        return true
    }

    /// Claims the one writer of a file store (a database takes many writers: nil).
    public func claimWriter() throws(StoreFailure) -> HistoryWriterLock? {
        guard case let .file(path) = self else { return nil }
        return try HistoryWriterLock(path: path)
    }

    /// Opens the store (creating or migrating it unless `readOnly`).
    ///
    /// - Parameter password: a database's password from the profile. A password in the URL
    ///   comes first; without either, `PGPASSWORD`, then `~/.pgpass`.
    public func open(readOnly: Bool, password: String? = nil,
                     environment: [String: String] = ProcessInfo.processInfo.environment) async throws(StoreFailure) -> any HistoryStorage {
        switch self {
        case let .file(path):
            return try SQLiteStore(path: path, readOnly: readOnly)
        case let .postgres(url):
            return try await PostgresStore(url: url, password: password ?? environment["PGPASSWORD"].flatMap { $0.isEmpty ? nil : $0 },
                                           readOnly: readOnly)
        }
    }
}
