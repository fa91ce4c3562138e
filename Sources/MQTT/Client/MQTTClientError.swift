/// Why a connection or an operation failed; each case reads as one line for the user.
public enum MQTTClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection could not be made (refused, unreachable, timed out).
    case connectionFailed(String)
    /// The host name did not resolve.
    case unknownHost(String)
    /// TLS set-up or the handshake failed (bad CA, verification failure, unreadable files).
    case tls(String)
    /// The broker answered CONNECT with a failure reason.
    case connectionRefused(MQTTReasonCode, String?)
    /// The broker sent bytes that are not valid MQTT.
    case protocolError(MQTTDecodeError)
    /// The broker broke the protocol in a well-formed packet (unexpected packet, bad topic alias...).
    case protocolViolation(MQTTReasonCode, String)
    /// The broker closed the connection, with a DISCONNECT reason when it sent one.
    case disconnectedByServer(MQTTReasonCode?, String?)
    /// The broker stopped answering PINGREQ.
    case keepAliveTimeout
    /// No CONNACK arrived in time.
    case connectTimeout
    /// An operation needs a live connection.
    case notConnected
    /// The client was closed by `disconnect()`.
    case closed
    /// A topic name or filter is not valid.
    case invalidTopic(String)
    /// The packet is larger than the broker (or the protocol) accepts.
    case packetTooLarge(size: Int, limit: Int)
    /// A string field is longer than 65,535 bytes.
    case fieldTooLong(Int)
    /// A number to send (a subscription identifier) outside what the protocol can encode.
    case valueOutOfRange(Int)
    /// The broker said Retain Available = 0.
    case retainNotAvailable
    /// The broker's Maximum QoS is lower than requested.
    case qosNotSupported(MQTTQoS)
    /// The broker refused a publish (PUBACK/PUBREC reason code).
    case publishRefused(MQTTReasonCode, String?)
    /// The broker refused some subscriptions.
    case subscriptionRefused(filter: String, MQTTReasonCode)

    init(_ error: MQTTEncodeError) {
        switch error {
        case let .fieldTooLong(count): self = .fieldTooLong(count)
        case let .packetTooLarge(size, limit): self = .packetTooLarge(size: size, limit: limit)
        case let .variableByteIntegerOutOfRange(value): self = .valueOutOfRange(value)
        }
    }

    public var description: String {
        switch self {
        case let .connectionFailed(why): return "connection failed: \(why)"
        case let .unknownHost(host): return "unknown host: \(host)"
        case let .tls(why): return "TLS error: \(why)"
        case let .connectionRefused(code, reason):
            return "connection refused by the broker: \(code)" + (reason.map { " - \($0)" } ?? "")
        case let .protocolError(error): return "protocol error from the broker: \(error)"
        case let .protocolViolation(code, why): return "protocol error from the broker: \(why) (\(code))"
        case let .disconnectedByServer(code, reason):
            guard let code else { return "connection closed by the broker" }
            return "disconnected by the broker: \(code)" + (reason.map { " - \($0)" } ?? "")
        case .keepAliveTimeout: return "the broker stopped answering keep-alive pings"
        case .connectTimeout: return "timed out waiting for CONNACK"
        case .notConnected: return "not connected"
        case .closed: return "client closed"
        case let .invalidTopic(why): return why
        case let .packetTooLarge(size, limit): return "message too large: \(size) bytes, the broker accepts at most \(limit)"
        case let .fieldTooLong(count): return "a field of \(count) bytes exceeds the 65535-byte limit"
        case let .valueOutOfRange(value): return "\(value) is outside 0...268435455, the range of a variable byte integer"
        case .retainNotAvailable: return "the broker does not support retained messages"
        case let .qosNotSupported(max): return "the broker supports QoS \(max) at most"
        case let .publishRefused(code, reason):
            return "publish refused by the broker: \(code)" + (reason.map { " - \($0)" } ?? "")
        case let .subscriptionRefused(filter, code): return "subscription to '\(filter)' refused: \(code)"
        }
    }
}
