/// The control packet type in the high nibble of a packet's first byte.
public enum MQTTPacketType: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// CONNECT: the client opens a session.
    case connect = 1
    /// CONNACK: the broker's answer to CONNECT.
    case connack = 2
    /// PUBLISH: an application message.
    case publish = 3
    /// PUBACK: the answer to a QoS 1 PUBLISH.
    case puback = 4
    /// PUBREC: the first answer to a QoS 2 PUBLISH.
    case pubrec = 5
    /// PUBREL: the QoS 2 sender's answer to PUBREC, releasing the message.
    case pubrel = 6
    /// PUBCOMP: the answer to PUBREL, ending a QoS 2 flow.
    case pubcomp = 7
    /// SUBSCRIBE: the client asks for topic filters.
    case subscribe = 8
    /// SUBACK: the answer to SUBSCRIBE, one reason code per filter.
    case suback = 9
    /// UNSUBSCRIBE: the client drops topic filters.
    case unsubscribe = 10
    /// UNSUBACK: the answer to UNSUBSCRIBE.
    case unsuback = 11
    /// PINGREQ: the client's keep-alive ping.
    case pingreq = 12
    /// PINGRESP: the broker's answer to PINGREQ.
    case pingresp = 13
    /// DISCONNECT: a clean close (sent by either side in MQTT 5).
    case disconnect = 14
    /// AUTH: a step of MQTT 5 extended authentication (not in 3.1.1).
    case auth = 15

    /// The packet's name in capitals, as the spec writes it (e.g. "PUBACK").
    public var description: String {
        switch self {
        case .connect: return "CONNECT"
        case .connack: return "CONNACK"
        case .publish: return "PUBLISH"
        case .puback: return "PUBACK"
        case .pubrec: return "PUBREC"
        case .pubrel: return "PUBREL"
        case .pubcomp: return "PUBCOMP"
        case .subscribe: return "SUBSCRIBE"
        case .suback: return "SUBACK"
        case .unsubscribe: return "UNSUBSCRIBE"
        case .unsuback: return "UNSUBACK"
        case .pingreq: return "PINGREQ"
        case .pingresp: return "PINGRESP"
        case .disconnect: return "DISCONNECT"
        case .auth: return "AUTH"
        }
    }

    /// The fixed-header flag bits every packet but PUBLISH must carry [MQTT-2.2.2-1].
    var requiredFlags: UInt8? {
        switch self {
        case .publish: return nil
        case .pubrel, .subscribe, .unsubscribe: return 0b0010
        default: return 0
        }
    }
}
