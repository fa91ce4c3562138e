import Logging

/// TLS settings for an `mqtts` connection.
public struct MQTTTLSOptions: Sendable, Hashable {
    /// PEM file of CA certificates to trust; the system's trust store when nil.
    public var caFile: String?
    /// PEM client certificate (chain) for mutual TLS.
    public var certificateFile: String?
    /// PEM private key matching `certificateFile`.
    public var keyFile: String?
    /// Skip certificate and host name verification. For testing only.
    public var insecure: Bool

    /// TLS options; the defaults verify the broker against the system's trust store.
    ///
    /// - Parameters:
    ///   - caFile: PEM CA certificates to trust instead of the system's.
    ///   - certificateFile: PEM client certificate, for mutual TLS.
    ///   - keyFile: PEM key of `certificateFile`.
    ///   - insecure: skip verification (testing only).
    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil, insecure: Bool = false) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
        self.insecure = insecure
    }
}

/// Which protocol version to speak.
public enum MQTTVersionPreference: Sendable, Hashable {
    /// 5.0, falling back to 3.1.1 when the broker refuses 5.0.
    case automatic
    /// Exactly this version, with no fallback.
    case only(MQTTProtocolVersion)
}

/// When and how fast to reconnect after a lost connection.
public struct MQTTReconnectPolicy: Sendable, Hashable {
    /// Whether a lost connection is retried at all; if not, the client closes for good.
    public var enabled: Bool
    /// The wait before the first retry; each later one doubles it.
    public var initialDelay: Duration
    /// The cap on the doubling wait (jitter is applied after it).
    public var maximumDelay: Duration
    /// Each delay is multiplied by a random factor in 1 ± jitter.
    public var jitter: Double

    /// A policy that doubles the wait from `initialDelay` up to `maximumDelay`, with jitter.
    ///
    /// - Parameters:
    ///   - enabled: whether a lost connection is retried at all.
    ///   - initialDelay: the wait before the first retry.
    ///   - maximumDelay: the cap of the doubling waits.
    ///   - jitter: each wait is multiplied by a random factor in 1 ± jitter.
    public init(enabled: Bool = true, initialDelay: Duration = .milliseconds(500), maximumDelay: Duration = .seconds(30),
                jitter: Double = 0.2) {
        self.enabled = enabled
        self.initialDelay = initialDelay
        self.maximumDelay = maximumDelay
        self.jitter = jitter
    }

    /// No reconnecting: a lost connection closes the client for good.
    public static let never = MQTTReconnectPolicy(enabled: false)

    /// The delay before a reconnect attempt: doubling from `initialDelay`, capped, then jittered.
    ///
    /// - Parameters:
    ///   - attempt: the attempt number, from 1.
    ///   - random: a number in -1...1 that picks the jitter.
    public func delay(forAttempt attempt: Int, random: Double = Double.random(in: -1...1)) -> Duration {
        let exponential = min(maximumDelay / .seconds(1), initialDelay / .seconds(1) * pow2(max(0, attempt - 1)))
        return .milliseconds(Int((exponential * (1 + jitter * random) * 1000).rounded()))
    }

    private func pow2(_ n: Int) -> Double { n >= 62 ? Double.greatestFiniteMagnitude : Double(1 << n) }
}

/// What the client does when the consumer of `events` falls `deliveryBufferLimit` messages behind.
public enum MQTTOverflowPolicy: Sendable, Hashable {
    /// Keep reading (acks and keep-alive go on) and drop QoS 0 messages, counting them. QoS 1 and
    /// 2 messages are never dropped: past twice the limit, reading pauses as with `.pauseReading`.
    /// For live views, where the newest state matters more than every step.
    case dropQoS0
    /// Stop reading the socket until the consumer has caught up, so nothing is lost (the
    /// default, which every command uses). Keep-alive does not count the pause.
    case pauseReading
}

/// Everything the client needs to reach and talk to a broker.
public struct MQTTClientConfiguration: Sendable {
    /// The broker's host name or IP address (also the TLS server name when it is a name).
    public var host: String
    /// The broker's TCP port; the initializer picks 1883, or 8883 with TLS, when none is given.
    public var port: Int
    /// TLS when non-nil.
    public var tls: MQTTTLSOptions?
    /// MQTT over WebSockets (`ws://`, or `wss://` with `tls`), when set.
    public var webSocket: MQTTWebSocketOptions?
    /// The client identifier sent in CONNECT; keep it stable to resume a persistent session.
    public var clientID: String
    /// The user name sent in CONNECT, if any.
    public var username: String?
    /// The password sent in CONNECT, as bytes (MQTT allows binary passwords).
    public var password: [UInt8]?
    /// The protocol version to speak, or `.automatic` to try 5.0 and fall back to 3.1.1.
    public var version: MQTTVersionPreference
    /// Keep alive in seconds; 0 turns keep-alive pings off.
    public var keepAlive: UInt16
    /// Clean Session (3.1.1) / Clean Start (5.0).
    public var cleanStart: Bool
    /// v5 session expiry in seconds (0: the session ends with the connection).
    public var sessionExpiry: UInt32
    /// The message the broker publishes if the client vanishes without a DISCONNECT.
    public var will: MQTTWill?
    /// Whether, when and how fast to reconnect after a lost connection.
    public var reconnect: MQTTReconnectPolicy
    /// How long to wait for the TCP connection and then for CONNACK.
    public var connectTimeout: Duration
    /// Largest packet accepted from the broker: by default any the protocol can frame, as
    /// mosquitto_sub does. A lower limit is advertised in the v5 CONNECT, and the broker then
    /// drops larger messages for this client; a 3.1.1 broker cannot be told, and a larger packet
    /// ends the connection.
    public var maximumIncomingPacketSize: Int
    /// Topic aliases the broker may use towards us (v5).
    public var topicAliasMaximum: UInt16
    /// Messages buffered for a slow consumer before `overflow` applies.
    public var deliveryBufferLimit: Int
    /// Payload bytes buffered for a slow consumer before `overflow` applies, whatever the count:
    /// 40,000 messages of 64 KB must not take gigabytes.
    public var deliveryBufferBytes: Int
    /// Pause reading or drop QoS 0 messages when the consumer of `events` falls behind.
    public var overflow: MQTTOverflowPolicy
    /// Where the client logs connection changes and protocol errors; a no-op logger by default.
    public var logger: Logger

    /// Each parameter sets the property of the same name; the defaults suit a local broker.
    ///
    /// - Parameters:
    ///   - host: the broker's host name or address.
    ///   - port: the broker's port; 1883, or 8883 with TLS, when nil.
    ///   - tls: TLS settings, or nil for plain TCP.
    ///   - clientID: the client identifier; random by default (use a stable one for a persistent session).
    ///   - version: the protocol version, or `.automatic` (5.0, falling back to 3.1.1).
    ///   - keepAlive: seconds between signs of life; 0 turns pings off.
    ///   - cleanStart: start a new session (false resumes one the broker kept).
    ///   - sessionExpiry: MQTT 5: seconds the broker keeps the session after a disconnect.
    ///   - reconnect: when and how fast to reconnect after a lost connection.
    ///   - deliveryBufferLimit: events buffered for a slow consumer before `overflow` applies.
    ///   - deliveryBufferBytes: payload bytes buffered before `overflow` applies.
    ///   - overflow: pause reading (the default) or drop QoS 0 messages when the consumer lags.
    public init(host: String = "localhost", port: Int? = nil, tls: MQTTTLSOptions? = nil,
                clientID: String = MQTTClientConfiguration.randomClientID(), username: String? = nil,
                password: [UInt8]? = nil, version: MQTTVersionPreference = .automatic, keepAlive: UInt16 = 60,
                cleanStart: Bool = true, sessionExpiry: UInt32 = 0, will: MQTTWill? = nil,
                reconnect: MQTTReconnectPolicy = MQTTReconnectPolicy(), connectTimeout: Duration = .seconds(10),
                maximumIncomingPacketSize: Int = MQTTFrameDecoder.protocolMaximumPacketSize,
                topicAliasMaximum: UInt16 = 1024, deliveryBufferLimit: Int = 100_000,
                deliveryBufferBytes: Int = 64 * 1024 * 1024, overflow: MQTTOverflowPolicy = .pauseReading,
                logger: Logger = Logger(label: "hearth.mqtt", factory: { _ in SwiftLogNoOpLogHandler() })) {
        self.host = host
        self.port = port ?? (tls == nil ? 1883 : 8883)
        self.tls = tls
        self.clientID = clientID
        self.username = username
        self.password = password
        self.version = version
        self.keepAlive = keepAlive
        self.cleanStart = cleanStart
        self.sessionExpiry = sessionExpiry
        self.will = will
        self.reconnect = reconnect
        self.connectTimeout = connectTimeout
        self.maximumIncomingPacketSize = maximumIncomingPacketSize
        self.topicAliasMaximum = topicAliasMaximum
        self.deliveryBufferLimit = deliveryBufferLimit
        self.deliveryBufferBytes = deliveryBufferBytes
        self.overflow = overflow
        self.logger = logger
    }

    /// `hearth-` followed by 12 random hex digits.
    public static func randomClientID() -> String {
        let hex = String(UInt64.random(in: 0..<(1 << 48)), radix: 16)
        return "hearth-" + String(repeating: "0", count: 12 - hex.count) + hex
    }
}
