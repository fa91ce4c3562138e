import MQTT
import Watch

/// A named broker connection from `config.toml`: what the connection flags would say, so that
/// `hearth -b home` stands for `-h homeassistant.local -u mqtt-user --password-file …`.
public struct Profile: Equatable, Sendable {
    public let name: String
    /// The line of its `[profiles.NAME]` table, to say where it comes from.
    public let line: Int
    public var host: String?
    public var port: Int?
    public var url: String?
    public var username: String?
    public var password: String?
    public var passwordFile: String?
    /// A program and its arguments (run without a shell); the first line it prints.
    public var passwordCommand: [String]?
    public var filters: [String]?
    public var theme: String?
    public var cafile: String?
    public var cert: String?
    public var key: String?
    public var tls: Bool?
    public var insecure: Bool?
    public var version: MQTTProtocolVersion?
    /// Rules that watch this profile's broker only (`[[profiles.NAME.rules]]`).
    public var rules: [Rule] = []
    /// The history store of this broker: a file, or a `postgres://` URL.
    public var store: String?
    /// The database's password: the first line of a file, or of a program's output.
    public var storePasswordFile: String?
    public var storePasswordCommand: [String]?
    /// A group: the profiles it starts together (`hearth -b fleet`); a group names no broker of its own.
    public var brokers: [String]?

    /// Keys a profile may have, as `config.toml` spells them.
    public static let keys: Set<String> = ["host", "port", "url", "username", "password", "password_file", "password_command", "filters",
                                    "theme", "cafile", "cert", "key", "tls", "insecure", "version", "brokers", "rules",
                                    "store", "store_password_file", "store_password_command"]
    /// Keys a group may have besides `brokers`: the rest belong to its members.
    public static let groupKeys: Set<String> = ["brokers", "theme"]

    /// Where the password comes from, never the password itself.
    public init(name: String, line: Int) {
        self.name = name
        self.line = line
    }

    public var passwordSource: String? {
        if password != nil { return "password (in the file)" }
        if let passwordFile { return "password_file \(passwordFile)" }
        if let passwordCommand { return "password_command \(passwordCommand.joined(separator: " "))" }
        return nil
    }
}
