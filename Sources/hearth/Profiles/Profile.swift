/// A named broker connection from `config.toml`: what the connection flags would say, so that
/// `hearth -b home` stands for `-h homeassistant.local -u mqtt-user --password-file …`.
struct Profile: Equatable {
    let name: String
    /// The line of its `[profiles.NAME]` table, to say where it comes from.
    let line: Int
    var host: String?
    var port: Int?
    var url: String?
    var username: String?
    var password: String?
    var passwordFile: String?
    /// A program and its arguments (run without a shell); the first line it prints.
    var passwordCommand: [String]?
    var filters: [String]?
    var theme: String?
    var cafile: String?
    var cert: String?
    var key: String?
    var tls: Bool?
    var insecure: Bool?
    var version: ProtocolVersionOption?

    /// Keys a profile may have, as `config.toml` spells them.
    static let keys: Set<String> = ["host", "port", "url", "username", "password", "password_file", "password_command", "filters",
                                    "theme", "cafile", "cert", "key", "tls", "insecure", "version"]

    /// Where the password comes from, never the password itself.
    var passwordSource: String? {
        if password != nil { return "password (in the file)" }
        if let passwordFile { return "password_file \(passwordFile)" }
        if let passwordCommand { return "password_command \(passwordCommand.joined(separator: " "))" }
        return nil
    }
}
