import ArgumentParser
import Foundation
import Logging
import MQTT

/// The connection flags every command shares; they follow mosquitto_sub and mosquitto_pub.
struct ConnectionOptions: ParsableArguments {
    @Option(name: [.customShort("h"), .long], help: "Broker host (default localhost).")
    var host: String?

    @Option(name: [.customShort("p"), .long], help: "Broker port (default 1883, or 8883 with TLS).")
    var port: Int?

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

    @Flag(name: .long, help: "TLS with the system's trust store.")
    var tls = false

    @Flag(name: .long, help: "TLS without verifying the broker's certificate or name. For testing only.")
    var insecure = false

    @Option(name: [.customShort("L"), .long], help: "mqtt[s]://[user[:pass]@]host[:port][/topic]")
    var url: String?

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

    /// The topic named by `-L`, if any.
    func urlTopic() throws -> String? { try url.map(BrokerURL.init(parsing:))?.topic }

    func validate() throws {
        if let url { _ = try BrokerURL(parsing: url) }
        if key != nil, cert == nil { throw ValidationError("--key needs --cert") }
        if cert != nil, key == nil { throw ValidationError("--cert needs --key") }
        if let willTopic, let problem = MQTTTopic.nameProblem(willTopic) {
            throw ValidationError("invalid --will-topic '\(willTopic)': \(problem)")
        }
        if willTopic == nil, willPayload != nil || willRetain { throw ValidationError("--will-payload and --will-retain need --will-topic") }
    }

    /// The client configuration these flags describe.
    ///
    /// The headless commands print or count every message, so when they fall behind the client
    /// stops reading (as mosquitto_sub does) instead of dropping.
    func makeConfiguration(reconnect: MQTTReconnectPolicy, session: SessionOptions? = nil) throws -> MQTTClientConfiguration {
        let parsedURL = try url.map(BrokerURL.init(parsing:))
        let useTLS = tls || insecure || cafile != nil || cert != nil || parsedURL?.tls == true
        let tlsOptions = useTLS
            ? MQTTTLSOptions(caFile: cafile, certificateFile: cert, keyFile: key, insecure: insecure) : nil
        var logger = Logger(label: "hearth", factory: { EscapingLogHandler(label: $0) })
        logger.logLevel = debug ? .debug : .warning
        return MQTTClientConfiguration(
            host: host ?? parsedURL?.host ?? "localhost",
            port: port ?? parsedURL?.port,
            tls: tlsOptions,
            clientID: id ?? MQTTClientConfiguration.randomClientID(),
            username: username ?? parsedURL?.username,
            password: try resolvePassword(urlPassword: parsedURL?.password).map { Array($0.utf8) },
            version: protocolVersion.map { .only($0.version) } ?? .automatic,
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
    }

    /// -P, then --password-file, then the URL, then HEARTH_PASSWORD.
    private func resolvePassword(urlPassword: String?) throws -> String? {
        if let password { return password }
        if let passwordFile {
            guard let contents = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw ValidationError("cannot read password file \(passwordFile)")
            }
            return String(contents.split(separator: "\n", omittingEmptySubsequences: false).first ?? "")
        }
        return urlPassword ?? ProcessInfo.processInfo.environment["HEARTH_PASSWORD"]
    }
}

/// `-V` values, spelled as mosquitto spells them.
enum ProtocolVersionOption: String, ExpressibleByArgument, CaseIterable {
    case mqttv5, mqttv311
    case five = "5", threeEleven = "311"

    var version: MQTTProtocolVersion { self == .mqttv5 || self == .five ? .v5 : .v311 }
}
