/// The MQTT protocol level a connection speaks.
public enum MQTTProtocolVersion: UInt8, Sendable, Hashable, CustomStringConvertible {
    case v311 = 4
    case v5 = 5

    public var description: String {
        switch self {
        case .v311: return "3.1.1"
        case .v5: return "5.0"
        }
    }
}
