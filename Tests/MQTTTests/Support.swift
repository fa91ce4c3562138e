import MQTT
import MQTTTestSupport
import NIOCore

/// The two protocol versions every integration test runs under.
let bothVersions: [MQTTProtocolVersion] = [.v311, .v5]

extension Array where Element == UInt8 {
    init(_ string: String) { self = Array(string.utf8) }
}
