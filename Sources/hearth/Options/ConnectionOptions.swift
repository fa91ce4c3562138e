import ArgumentParser
import Foundation
import HearthKit
import Logging
import MQTT

/// The connection flags every command shares; they follow mosquitto_sub and mosquitto_pub.
struct ConnectionOptions: ParsableArguments {
    @OptionGroup var address: BrokerAddressOptions

    @Option(name: [.customShort("u"), .long], help: "User name.")
    var username: String?

    @Option(name: [.customShort("P"), .long], help: "Password (also HEARTH_PASSWORD or --password-file).")
    var password: String?

    @Option(name: .long, help: "Read the password from the first line of this file.")
    var passwordFile: String?

    @Option(name: [.customShort("i"), .long], help: "Client id (default hearth- and random hex).")
    var id: String?

    @Option(name: [.customShort("k"), .long], help: "Keep alive in seconds (0 turns pings off).")
    var keepalive: UInt16 = 60

    @Option(name: [.customShort("V"), .long], help: "mqttv5 or mqttv311 (default: 5.0, falling back to 3.1.1).")
    var protocolVersion: ProtocolVersionOption?

    @Option(name: .long, help: "CA certificates (PEM) to verify the broker with; turns TLS on.")
    var cafile: String?

    @Option(name: .long, help: "Client certificate (PEM) for mutual TLS; turns TLS on.")
    var cert: String?

    @Option(name: .long, help: "Private key (PEM) for --cert.")
    var key: String?

    @Flag(name: .long, help: "TLS without verifying the broker's certificate or name. For testing only.")
    var insecure = false

    @Option(name: .customLong("ws-path"), help: "The WebSocket path (default /mqtt); implies --ws.")
    var webSocketPath: String?

    @Option(name: .customLong("ws-header"), help: "An extra HTTP header for the WebSocket upgrade, as 'Name: value' (repeatable).")
    var webSocketHeaders: [String] = []

    @Option(name: .customLong("max-packet-size"), help: ArgumentHelp(
        "The largest packet to accept from the broker, as 65536, 64K or 16M (default: any, as mosquitto_sub).",
        discussion: "An MQTT 5 broker drops larger messages for hearth; a 3.1.1 broker cannot be told, and a larger packet ends the connection."),
        transform: ByteSize.parse)
    var maximumPacketSize: ByteSize?

    @Flag(name: [.customShort("d"), .long], help: "Print debug messages to stderr.")
    var debug = false

    @Option(name: .long, help: "Topic of the will message the broker publishes if hearth vanishes.")
    var willTopic: String?

    @Option(name: .long, help: "Payload of the will message.")
    var willPayload: String?

    @Option(name: .long, help: "QoS of the will message.")
    var willQos: MQTTQoS = .atMostOnce

    @Flag(name: .long, help: "Retain the will message.")
    var willRetain = false

    /// The smallest `--max-packet-size`: a CONNACK with its properties, and a short message, fit.
    static let smallestPacketLimit = 256

    /// The topic named by `-L`, if any.
    func urlTopic() throws -> String? { try address.urlTopic() }

    /// Each broker the flags name, with its name (its profile's, else host:port) and these
    /// flags narrowed to it.
    ///
    /// - Throws: when two of them would have one name (two URLs of one broker).
    func brokers() throws -> [NamedBroker] {
        let brokers = try address.brokers().map { address in
            var options = self
            options.address = address
            let profile = try address.profile()
            let endpoint = try address.endpoint(profile: profile, tlsFlags: insecure || cafile != nil || cert != nil, webSocketPath: webSocketPath)
            return NamedBroker(name: address.brokerName(profile: profile, endpoint: endpoint), options: options)
        }
        var seen = Set<String>()
        for broker in brokers where !seen.insert(broker.name).inserted {
            throw ValidationError("two brokers are named \(broker.name): give each broker once (several filters of one broker are -t, repeated)")
        }
        return brokers
    }

    /// The history store of the one broker these flags name (`--store` is `flag`).
    func store(flag: String?) throws -> BrokerStore {
        try address.store(flag: flag, tlsFlags: insecure || cafile != nil || cert != nil, webSocketPath: webSocketPath)
    }

    /// The filters to subscribe to when no `-t` is given: `-L`'s topic, else the profile's URL
    /// topic or filters, else `#`.
    func defaultFilters() throws -> [String] {
        try BrokerEndpoint.defaultFilters(url: address.url.map(BrokerURL.init(parsing:)), profile: address.profile())
    }

    func validate() throws {
        for header in webSocketHeaders where Self.header(header) == nil {
            throw ValidationError("invalid --ws-header '\(header)': expected 'Name: value'")
        }
        if key != nil, cert == nil { throw ValidationError("--key needs --cert") }
        if cert != nil, key == nil { throw ValidationError("--cert needs --key") }
        if let willTopic, let problem = MQTTTopic.sendingProblem(willTopic) {
            throw ValidationError("invalid --will-topic '\(willTopic)': \(problem)")
        }
        if willTopic == nil, willPayload != nil || willRetain { throw ValidationError("--will-payload and --will-retain need --will-topic") }
        if let size = maximumPacketSize?.bytes, !(Self.smallestPacketLimit...MQTTFrameDecoder.protocolMaximumPacketSize).contains(size) {
            throw ValidationError("--max-packet-size must be from \(Self.smallestPacketLimit) to \(MQTTFrameDecoder.protocolMaximumPacketSize) bytes")
        }
    }

    /// The client configuration these flags describe.
    ///
    /// The headless commands print or count every message, so when they fall behind the client
    /// stops reading (as mosquitto_sub does) instead of dropping.
    func makeConfiguration(reconnect: MQTTReconnectPolicy, session: SessionOptions? = nil) throws -> MQTTClientConfiguration {
        // Flags first, then the environment (HEARTH_PASSWORD), then the profile, then defaults.
        let profile = try address.profile()
        let endpoint = try address.endpoint(profile: profile, tlsFlags: insecure || cafile != nil || cert != nil, webSocketPath: webSocketPath)
        let tlsOptions = endpoint.tls
            ? MQTTTLSOptions(caFile: cafile ?? profile?.cafile, certificateFile: cert ?? profile?.cert, keyFile: key ?? profile?.key,
                             insecure: insecure || profile?.insecure == true)
            : nil
        var logger = Logger(label: "hearth", factory: { EscapingLogHandler(label: $0) })
        logger.logLevel = debug ? .debug : .warning
        let version = protocolVersion?.version ?? profile?.version
        var configuration = MQTTClientConfiguration(
            host: endpoint.host,
            port: endpoint.port,
            tls: tlsOptions,
            clientID: id ?? MQTTClientConfiguration.randomClientID(),
            username: username(endpoint: endpoint, profile: profile),
            password: try PasswordSource(flag: password, file: passwordFile, urlPassword: endpoint.url?.password, profile: profile,
                                         profileURL: endpoint.profileURL).resolve().map { Array($0.utf8) },
            version: version.map { .only($0) } ?? .automatic,
            keepAlive: keepalive,
            cleanStart: session?.cleanStart ?? true,
            sessionExpiry: session?.expiryInterval ?? 0,
            will: willTopic.map {
                MQTTWill(topic: $0, payload: Array((willPayload ?? "").utf8),
                         qos: willQos, retain: willRetain)
            },
            reconnect: reconnect,
            overflow: .pauseReading,
            logger: logger)
        if let size = maximumPacketSize?.bytes { configuration.maximumIncomingPacketSize = size }
        configuration.webSocket = endpoint.webSocketPath.map {
            MQTTWebSocketOptions(path: $0, headers: webSocketHeaders.compactMap(Self.header))
        }
        return configuration
    }

    /// The user name these flags give: `-u`, else the `-L` URL's, the profile's, the profile's URL's.
    private func username(endpoint: BrokerEndpoint, profile: Profile?) -> String? {
        username ?? endpoint.url?.username ?? profile?.username ?? endpoint.profileURL?.username
    }

    /// The user name hearth sends, worked out without reading a password (a hint needs no more).
    func resolvedUsername() throws -> String? {
        let profile = try address.profile()
        return username(endpoint: try address.endpoint(profile: profile, tlsFlags: insecure || cafile != nil || cert != nil,
                                                       webSocketPath: webSocketPath), profile: profile)
    }

    /// `Name: value` as a header.
    private static func header(_ text: String) -> MQTTWebSocketOptions.Header? {
        guard let colon = text.firstIndex(of: ":") else { return nil }
        let name = text[..<colon].trimmingCharacters(in: .whitespaces)
        guard !name.isEmpty, !name.contains(" ") else { return nil }
        return MQTTWebSocketOptions.Header(name: name, value: text[text.index(after: colon)...].trimmingCharacters(in: .whitespaces))
    }
}

/// One broker of several: its name, and the connection flags that reach it.
struct NamedBroker {
    let name: String
    let options: ConnectionOptions
}

/// `-V` values, spelled as mosquitto spells them.
enum ProtocolVersionOption: String, ExpressibleByArgument, CaseIterable {
    case mqttv5, mqttv311
    case five = "5", threeEleven = "311"

    var version: MQTTProtocolVersion { MQTTProtocolVersion(spelling: rawValue) ?? .v5 }
}
