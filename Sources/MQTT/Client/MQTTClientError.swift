/// Why a connection or an operation failed; each case reads as one line for the user.
///
/// Cases carry typed values to match on. Where a lower layer failed (the socket, TLS), the
/// error it threw is kept as `underlying`; equality ignores it.
public enum MQTTClientError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The TCP connection could not be made, or broke (refused, unreachable, timed out, reset).
    case connectionFailed(MQTTConnectionFailure)
    /// The host name did not resolve.
    case unknownHost(String)
    /// TLS set-up or the handshake failed (bad CA, verification failure, unreadable files).
    case tls(MQTTTLSFailure)
    /// The broker answered CONNECT with a failure reason, and maybe its Reason String.
    case connectionRefused(MQTTReasonCode, reasonString: String?)
    /// The server's first reply is not a CONNACK: it is not an MQTT broker (a web server, a TLS
    /// port reached without TLS, another protocol). Its host and port.
    case notMQTT(host: String, port: Int)
    /// The broker sent bytes that are not valid MQTT.
    case protocolError(MQTTDecodeError)
    /// The broker broke the protocol in a well-formed packet (unexpected packet, bad topic alias...).
    case protocolViolation(MQTTProtocolViolation)
    /// The broker closed the connection, with a DISCONNECT reason (and Reason String) when it sent one.
    case disconnectedByServer(MQTTReasonCode?, reasonString: String?)
    /// The broker stopped answering PINGREQ.
    case keepAliveTimeout
    /// No CONNACK arrived in time.
    case connectTimeout
    /// An operation needs a live connection.
    case notConnected
    /// `connect()` while the client is already connecting or reconnecting by itself.
    case connectionInProgress
    /// The client was closed by `disconnect()`.
    case closed
    /// A topic name or filter (the first value) is not valid.
    case invalidTopic(String, MQTTTopicProblem)
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
    /// The broker refused a publish (PUBACK/PUBREC reason code, and maybe its Reason String).
    case publishRefused(MQTTReasonCode, reasonString: String?)
    /// The broker refused some subscriptions.
    case subscriptionRefused(filter: String, MQTTReasonCode)
    /// All 65,535 packet identifiers are waiting for an acknowledgement.
    case packetIdentifiersExhausted

    init(_ error: MQTTEncodeError) {
        switch error {
        case let .fieldTooLong(count): self = .fieldTooLong(count)
        case let .packetTooLarge(size, limit): self = .packetTooLarge(size: size, limit: limit)
        case let .variableByteIntegerOutOfRange(value): self = .valueOutOfRange(value)
        }
    }

    /// The error as one line for the user, with the broker's reason code and Reason String when given.
    public var description: String {
        switch self {
        case let .connectionFailed(failure): return "connection failed: \(failure)"
        case let .unknownHost(host): return "unknown host: \(host)"
        case let .tls(failure): return "TLS error: \(failure)"
        case let .connectionRefused(code, reason):
            return "connection refused by the broker: \(code)" + (reason.map { " - \($0)" } ?? "")
        case let .notMQTT(host, port):
            return "\(host):\(port) did not answer as an MQTT broker (no CONNACK); for MQTT over WebSockets use ws://, for a TLS port --tls"
        case let .protocolError(error): return "protocol error from the broker: \(error)"
        case let .protocolViolation(violation): return "protocol error from the broker: \(violation) (\(violation.reasonCode))"
        case let .disconnectedByServer(code, reason):
            guard let code else { return "connection closed by the broker" }
            return "disconnected by the broker: \(code)" + (reason.map { " - \($0)" } ?? "")
        case .keepAliveTimeout: return "the broker stopped answering keep-alive pings"
        case .connectTimeout: return "timed out waiting for CONNACK"
        case .notConnected: return "not connected"
        case .connectionInProgress: return "already connecting"
        case .closed: return "client closed"
        case let .invalidTopic(topic, problem): return "invalid topic '\(topic)': \(problem)"
        case let .packetTooLarge(size, limit): return "message too large: \(size) bytes, the broker accepts at most \(limit)"
        case let .fieldTooLong(count): return "a field of \(count) bytes exceeds the 65535-byte limit"
        case let .valueOutOfRange(value): return "\(value) is outside 0...268435455, the range of a variable byte integer"
        case .retainNotAvailable: return "the broker does not support retained messages"
        case let .qosNotSupported(max): return "the broker supports QoS \(max) at most"
        case let .publishRefused(code, reason):
            return "publish refused by the broker: \(code)" + (reason.map { " - \($0)" } ?? "")
        case let .subscriptionRefused(filter, code): return "subscription to '\(filter)' refused: \(code)"
        case .packetIdentifiersExhausted: return "all packet identifiers are in use"
        }
    }
}

/// Why the connection to the broker could not be made, or broke at the socket.
public struct MQTTConnectionFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// What went wrong at the socket, in the categories a user can act on.
    public enum Reason: Sendable, Hashable {
        /// Nothing listens there (ECONNREFUSED).
        case refused
        /// No answer within the connect timeout.
        case timedOut
        /// No route to the host or network.
        case unreachable
        /// The peer reset or broke the connection.
        case reset
        /// The name resolved to no address.
        case noAddress
        /// Anything else; see `underlying`.
        case other
    }

    /// The host the client tried to reach.
    public var host: String
    /// The port the client tried to reach.
    public var port: Int
    /// What went wrong, classified from the socket layer's error.
    public var reason: Reason
    /// The error the socket layer threw, as it was.
    public var underlying: (any Error)?

    /// A failure to reach `host`:`port` for `reason`, keeping the socket layer's error.
    public init(host: String, port: Int, reason: Reason, underlying: (any Error)? = nil) {
        self.host = host
        self.port = port
        self.reason = reason
        self.underlying = underlying
    }

    /// "host:port: why", in words.
    public var description: String {
        let detail: String
        switch reason {
        case .timedOut: detail = "timed out"
        case .noAddress: detail = "no address to connect to"
        default: detail = underlying.map(MQTTTransport.describe) ?? "\(reason)"
        }
        return "\(host):\(port): \(detail)"
    }

    /// Equal when host, port and reason match; `underlying` is ignored (errors are not Equatable).
    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.host == rhs.host && lhs.port == rhs.port && lhs.reason == rhs.reason
    }

    /// Hashes host, port and reason, consistently with `==`.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(host)
        hasher.combine(port)
        hasher.combine(reason)
    }
}

/// Why TLS could not be set up or its handshake failed.
public struct MQTTTLSFailure: Error, Sendable, Hashable, CustomStringConvertible {
    /// Which stage of the TLS set-up failed.
    public enum Reason: Sendable, Hashable {
        /// A CA, certificate or key file could not be read or parsed.
        case unreadableFiles
        /// `certificateFile` was given without `keyFile`.
        case keyMissing
        /// The handshake failed (verification, protocol, alert from the peer).
        case handshake
    }

    /// Whether reading files, pairing the certificate with its key, or the handshake failed.
    public var reason: Reason
    /// The file that could not be loaded, for `.unreadableFiles`.
    public var file: String?
    /// The error NIOSSL or BoringSSL threw, as it was.
    public var underlying: (any Error)?

    /// A TLS failure for `reason`, with the file and the library's error when known.
    public init(reason: Reason, file: String? = nil, underlying: (any Error)? = nil) {
        self.reason = reason
        self.file = file
        self.underlying = underlying
    }

    /// The failure in words: the file and why it could not be loaded, or the handshake's reason.
    public var description: String {
        switch reason {
        case .keyMissing: return "a client certificate needs its key"
        case .unreadableFiles:
            let why = underlying.map(MQTTTransport.describe) ?? "unreadable"
            return file.map { "cannot load \($0): \(why)" } ?? "cannot load certificates or key: \(why)"
        case .handshake: return underlying.map(MQTTTransport.describe) ?? "handshake failed"
        }
    }

    /// Equal when the reasons match; `file` and `underlying` are ignored.
    public static func == (lhs: Self, rhs: Self) -> Bool { lhs.reason == rhs.reason }

    /// Hashes the reason only, consistently with `==`.
    public func hash(into hasher: inout Hasher) { hasher.combine(reason) }
}

/// A well-formed packet from the broker that breaks the protocol; each maps to the reason code
/// the client closes the connection with.
public enum MQTTProtocolViolation: Sendable, Hashable, CustomStringConvertible {
    /// A CONNACK after the connection was already accepted.
    case unexpectedConnAck
    /// A packet only clients send (CONNECT, SUBSCRIBE...), or AUTH, which Hearth does not use.
    case unexpectedPacket(MQTTPacketType)
    /// A topic alias above the maximum the client announced.
    case topicAliasAboveMaximum(UInt16)
    /// An alias-only PUBLISH for an alias never set on this connection.
    case unknownTopicAlias(UInt16)

    /// The reason code of the v5 DISCONNECT the client sends before closing for this violation.
    public var reasonCode: MQTTReasonCode {
        switch self {
        case .topicAliasAboveMaximum: return .topicAliasInvalid
        default: return .protocolError
        }
    }

    /// The violation in one line, for logs and the status line.
    public var description: String {
        switch self {
        case .unexpectedConnAck: return "unexpected second CONNACK"
        case let .unexpectedPacket(type): return "unexpected \(type) from the broker"
        case let .topicAliasAboveMaximum(alias): return "topic alias \(alias) above our maximum"
        case let .unknownTopicAlias(alias): return "unknown topic alias \(alias)"
        }
    }
}
