import MQTT

/// A client for a test: loopback, one protocol version, no reconnecting unless asked.
public func makeClient(port: Int, version: MQTTProtocolVersion? = .v5, host: String = "127.0.0.1",
                       tls: MQTTTLSOptions? = nil, username: String? = nil, password: String? = nil,
                       reconnect: MQTTReconnectPolicy = .never, clientID: String = MQTTClientConfiguration.randomClientID(),
                       cleanStart: Bool = true, sessionExpiry: UInt32 = 0, will: MQTTWill? = nil,
                       keepAlive: UInt16 = 60,
                       maximumIncomingPacketSize: Int = MQTTFrameDecoder.protocolMaximumPacketSize) -> MQTTClient {
    MQTTClient(configuration: MQTTClientConfiguration(
        host: host, port: port, tls: tls, clientID: clientID, username: username,
        password: password.map { Array($0.utf8) }, version: version.map { .only($0) } ?? .automatic,
        keepAlive: keepAlive, cleanStart: cleanStart, sessionExpiry: sessionExpiry, will: will, reconnect: reconnect,
        maximumIncomingPacketSize: maximumIncomingPacketSize))
}

extension MQTTMessage {
    /// The payload as UTF-8 text.
    public var text: String { String(decoding: payload, as: UTF8.self) }
}

/// The two protocol versions every integration test runs under.
public let bothVersions: [MQTTProtocolVersion] = [.v311, .v5]

extension Array where Element == UInt8 {
    /// The string's UTF-8 bytes.
    public init(_ string: String) { self = Array(string.utf8) }
}
