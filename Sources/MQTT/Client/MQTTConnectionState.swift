/// What the broker told us when the connection was accepted.
public struct MQTTConnectionInfo: Sendable, Hashable {
    /// The protocol version the broker accepted.
    public var version: MQTTProtocolVersion
    /// Whether the broker resumed a session it kept for this client identifier.
    public var sessionPresent: Bool
    /// The client identifier in use (the server may assign one in v5).
    public var clientID: String
    /// The keep alive in seconds actually in force (the server may override it in v5).
    public var keepAlive: UInt16
    /// How many QoS 1/2 publishes the server accepts unacknowledged.
    public var receiveMaximum: Int
    /// The largest packet the server accepts, or nil for no limit beyond the protocol's.
    public var maximumPacketSize: Int?
    /// Whether the broker accepts retained messages (v5 Retain Available; always true on 3.1.1).
    public var retainAvailable: Bool
    /// The highest QoS the broker accepts for publishes (v5 Maximum QoS; QoS 2 when unstated).
    public var maximumQoS: MQTTQoS
    /// The CONNACK properties as sent (v5).
    public var properties: MQTTProperties
}

/// The client's connection, as the UI shows it.
public enum MQTTConnectionState: Sendable, Hashable, CustomStringConvertible {
    /// Created, and `connect()` not called yet.
    case idle
    /// An attempt (the first or a reconnect) is opening the connection or waiting for CONNACK.
    case connecting
    /// Connected, with what the broker's CONNACK granted.
    case connected(MQTTConnectionInfo)
    /// Waiting `delay` before attempt number `attempt`, after `lastError`.
    case reconnecting(delay: Duration, attempt: Int, lastError: MQTTClientError)
    /// Closed for good: by `disconnect()` (nil) or by an error with reconnect off.
    case closed(MQTTClientError?)

    /// True in `.connected` only; reconnecting counts as not connected.
    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

    /// The state in a few words for the UI, e.g. "connected (MQTT 5.0)".
    public var description: String {
        switch self {
        case .idle: return "idle"
        case .connecting: return "connecting"
        case let .connected(info): return "connected (MQTT \(info.version))"
        case let .reconnecting(delay, attempt, lastError):
            let rounded = (delay / .milliseconds(100)).rounded() / 10
            return "reconnecting in \(rounded) s (attempt \(attempt)): \(lastError)"
        case let .closed(error): return error.map { "closed: \($0)" } ?? "closed"
        }
    }
}
