import Foundation

/// libpq's password file: `~/.pgpass` (or `$PGPASSFILE`), lines of
/// `hostname:port:database:username:password` where `*` matches anything and `\:` is a colon.
/// The first matching line wins. As libpq does, a file others may read is ignored.
public enum PasswordFile {
    /// The password for `url` in the file, if any.
    public static func password(for url: PostgresURL, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        let path = environment["PGPASSFILE"] ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.pgpass"
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & 0o077 == 0, let text = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        let wanted = [url.host, String(url.port), url.database, url.user]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let fields = Self.fields(of: line)
            guard fields.count == 5 else { continue }
            if zip(fields.prefix(4), wanted).allSatisfy({ $0 == "*" || $0 == $1 || ($0 == "localhost" && $1 == "127.0.0.1") }) {
                return fields[4]
            }
        }
        return nil
    }

    /// A line's fields, with `\:` and `\\` unescaped.
    static func fields(of line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for character in line {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" {
                escaped = true
            } else if character == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(character)
            }
        }
        fields.append(current)
        return fields
    }
}
