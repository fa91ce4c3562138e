/// What the broker told us when the connection was accepted.
public struct MQTTConnectionInfo: Sendable, Hashable {
    public var version: MQTTProtocolVersion
    public var sessionPresent: Bool
    /// The client identifier in use (the server may assign one in v5).
    public var clientID: String
    /// The keep alive in seconds actually in force (the server may override it in v5).
    public var keepAlive: UInt16
    /// How many QoS 1/2 publishes the server accepts unacknowledged.
    public var receiveMaximum: Int
    /// The largest packet the server accepts, or nil for no limit beyond the protocol's.
    public var maximumPacketSize: Int?
    public var retainAvailable: Bool
    public var maximumQoS: MQTTQoS
    /// The CONNACK properties as sent (v5).
    public var properties: MQTTProperties
}

/// The client's connection, as the UI shows it.
public enum MQTTConnectionState: Sendable, Hashable, CustomStringConvertible {
    case idle
    case connecting
    case connected(MQTTConnectionInfo)
    /// Waiting `delay` before attempt number `attempt`, after `lastError`.
    case reconnecting(delay: Duration, attempt: Int, lastError: MQTTClientError)
    /// Closed for good: by `disconnect()` (nil) or by an error with reconnect off.
    case closed(MQTTClientError?)

    public var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

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
