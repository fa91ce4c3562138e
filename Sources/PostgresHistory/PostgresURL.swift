import Foundation

/// A PostgreSQL store's address, as libpq reads it: `postgres://[user[:password]@][host][:port][/dbname][?option=value&…]`
/// (`postgresql://` too). Missing parts default as libpq's do: the host is localhost, the port
/// 5432, the user the login name, the database the user's name.
public struct PostgresURL: Equatable, Sendable, CustomStringConvertible {
    /// How the connection uses TLS (`sslmode`), libpq's modes less `allow`.
    public enum SSLMode: String, Sendable, CaseIterable {
        case disable, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    public var host: String
    public var port: Int
    public var user: String
    /// Given in the URL itself (discouraged: it shows in `ps` and shell history).
    public var password: String?
    public var database: String
    public var sslMode: SSLMode
    /// `sslrootcert`: the certificates that verify the server (verify-ca, verify-full).
    public var sslRootCertificate: String?
    /// `connect_timeout`, in seconds.
    public var connectTimeout: Int
    public var applicationName: String

    /// The query options read; any other is an error, not ignored.
    public static let options = ["sslmode", "sslrootcert", "connect_timeout", "application_name"]

    /// Whether `text` names a PostgreSQL store (rather than a file).
    public static func isPostgres(_ text: String) -> Bool {
        text.hasPrefix("postgres://") || text.hasPrefix("postgresql://")
    }

    /// - Throws: `PostgresURL.Problem`, one line, with the password left out.
    public init(parsing text: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(Problem) {
        guard Self.isPostgres(text), let components = URLComponents(string: text) else {
            throw Problem("'\(Self.redacted(text))' is not a postgres:// URL")
        }
        host = components.host.flatMap { $0.isEmpty ? nil : $0 } ?? environment["PGHOST"] ?? "localhost"
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        port = components.port ?? environment["PGPORT"].flatMap(Int.init) ?? 5432
        user = components.user.flatMap { $0.isEmpty ? nil : $0 }.map { $0.removingPercentEncoding ?? $0 }
            ?? environment["PGUSER"] ?? environment["USER"] ?? NSUserName()
        password = components.password.map { $0.removingPercentEncoding ?? $0 }
        let path = components.path.hasPrefix("/") ? String(components.path.dropFirst()) : components.path
        database = path.isEmpty ? environment["PGDATABASE"] ?? user : (path.removingPercentEncoding ?? path)
        sslMode = .prefer
        connectTimeout = 10
        applicationName = "hearth"
        if let mode = environment["PGSSLMODE"], let known = SSLMode(rawValue: mode) { sslMode = known }
        for item in components.queryItems ?? [] {
            let value = item.value ?? ""
            switch item.name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw Problem("sslmode '\(value)' is not one of \(SSLMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                sslMode = mode
            case "sslrootcert": sslRootCertificate = value
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0 else { throw Problem("connect_timeout '\(value)' is not a number of seconds") }
                connectTimeout = seconds
            case "application_name": applicationName = value
            default:
                throw Problem("unknown option '\(item.name)' in the store URL (known: \(Self.options.joined(separator: ", ")))")
            }
        }
        guard (1...65_535).contains(port) else { throw Problem("port \(port) is out of range") }
    }

    /// As printed: never with its password.
    public var description: String {
        let shownHost = host.contains(":") ? "[\(host)]" : host
        return "postgres://\(user)@\(shownHost):\(port)/\(database)"
    }

    /// `text` with any password between `:` and `@` masked, for an error about a URL that did not
    /// parse. The login ends at the last `@` before the path (a password may hold an `@`).
    static func redacted(_ text: String) -> String {
        guard let scheme = text.range(of: "://") else { return text }
        let authority = text[scheme.upperBound...].prefix { $0 != "/" && $0 != "?" }
        guard let at = authority.lastIndex(of: "@") else { return text }
        let login = text[scheme.upperBound..<at]
        guard let colon = login.firstIndex(of: ":") else { return text }
        return String(text[..<colon]) + ":***" + String(text[at...])
    }

    /// A URL that cannot be used: one line.
    public struct Problem: Error, CustomStringConvertible, Equatable {
        public let description: String
        init(_ description: String) { self.description = description }
    }
}
