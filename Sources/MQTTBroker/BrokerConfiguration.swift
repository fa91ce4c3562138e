import Foundation

/// How the embedded broker listens and what it keeps.
public struct BrokerConfiguration: Sendable {
    /// Loopback by default: the broker is for the demo and for tests, not for the network.
    public var host = "127.0.0.1"
    /// 0 picks a free port.
    public var port = 1883
    /// A second listener for MQTT over WebSockets (path `/mqtt`), when set; 0 picks a free port.
    public var webSocketPort: Int?
    /// When set, clients must log in with one of these user names and passwords.
    public var users: [String: String]?
    /// QoS 1/2 messages kept per client while it is offline or its in-flight window is full.
    public var maximumQueuedMessages = 1000
    /// QoS 1/2 messages sent to a client and not yet acknowledged, at most.
    public var maximumInflight = 100
    public var maximumPacketSize = 16 * 1024 * 1024
    /// QoS 2 messages a 5.0 client may have unacknowledged towards the broker on a connection
    /// (QoS 1 is acknowledged as it arrives); one more is DISCONNECT 0x93. At least 1.
    public var receiveMaximum: UInt16 = 100
    var effectiveReceiveMaximum: UInt16 { max(1, receiveMaximum) }
    /// Levels a topic or a filter may have (mosquitto's limit): a PUBLISH past it is refused
    /// (0x90), a filter past it too (0x8F). It bounds what one retained message may cost.
    public var maximumTopicLevels = 200
    /// Topic aliases a 5.0 client may set per connection (0: none).
    public var topicAliasMaximum: UInt16 = 16
    /// How often `$SYS/broker/...` is published.
    public var sysInterval: Duration = .seconds(10)
    /// Where retained messages are kept across restarts, if anywhere.
    public var persistencePath: String?
    /// How often retained messages are written to `persistencePath` (also on a clean stop).
    public var persistenceInterval: Duration = .seconds(30)
    /// Problems the broker meets and goes on from (a persistence file that cannot be read or
    /// written), each as one line; `hearth broker` prints them on stderr.
    public var report: @Sendable (String) -> Void = { _ in }

    public init(host: String = "127.0.0.1", port: Int = 1883) {
        self.host = host
        self.port = port
    }

    /// Reads `user:password` lines (blank lines and `#` comments skipped).
    public static func users(fromFile contents: String) throws -> [String: String] {
        var users: [String: String] = [:]
        for (index, line) in contents.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { continue }
            guard let colon = trimmed.firstIndex(of: ":"), colon != trimmed.startIndex else {
                throw BrokerError("password file line \(index + 1): expected user:password")
            }
            let password = trimmed[trimmed.index(after: colon)...]
            // mosquitto_passwd writes $6$… or $7$… hashes; read as plain text, no password would match.
            if password.hasPrefix("$6$") || password.hasPrefix("$7$") {
                throw BrokerError("password file line \(index + 1): a mosquitto_passwd hash; hearth broker takes plain user:password lines")
            }
            users[String(trimmed[..<colon])] = String(password)
        }
        return users
    }
}

/// A broker failure, as one line.
public struct BrokerError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
