import MQTT
import MQTTTestSupport
import NIOCore

/// The two protocol versions every integration test runs under.
let bothVersions: [MQTTProtocolVersion] = [.v311, .v5]

func makeClient(port: Int, version: MQTTProtocolVersion? = .v5, host: String = "127.0.0.1",
                tls: MQTTTLSOptions? = nil, username: String? = nil, password: String? = nil,
                reconnect: MQTTReconnectPolicy = .never, clientID: String = MQTTClientConfiguration.randomClientID(),
                cleanStart: Bool = true, keepAlive: UInt16 = 60) -> MQTTClient {
    MQTTClient(configuration: MQTTClientConfiguration(
        host: host, port: port, tls: tls, clientID: clientID, username: username,
        password: password.map { Array($0.utf8) }, version: version.map { .only($0) } ?? .automatic,
        keepAlive: keepAlive, cleanStart: cleanStart, reconnect: reconnect))
}

extension Array where Element == UInt8 {
    init(_ string: String) { self = Array(string.utf8) }
}

extension MQTTMessage {
    var text: String { String(decoding: payload, as: UTF8.self) }
}
