/// An MQTT 5 reason code, as carried by CONNACK, the acks and DISCONNECT.
///
/// 3.1.1 CONNACK return codes are mapped onto the matching v5 codes when decoded.
public struct MQTTReasonCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    /// The byte on the wire.
    public let rawValue: UInt8
    /// The reason code with this byte; any value is accepted, known or not.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// 0x00: success; also "granted QoS 0" in SUBACK and "normal disconnection" in DISCONNECT.
    public static let success = MQTTReasonCode(rawValue: 0x00)
    /// 0x01: SUBACK: the subscription was granted at QoS 1.
    public static let grantedQoS1 = MQTTReasonCode(rawValue: 0x01)
    /// 0x02: SUBACK: the subscription was granted at QoS 2.
    public static let grantedQoS2 = MQTTReasonCode(rawValue: 0x02)
    /// 0x04: DISCONNECT: the client closes but wants the broker to publish its will.
    public static let disconnectWithWill = MQTTReasonCode(rawValue: 0x04)
    /// 0x10: PUBACK/PUBREC: accepted, but nobody is subscribed to the topic.
    public static let noMatchingSubscribers = MQTTReasonCode(rawValue: 0x10)
    /// 0x11: UNSUBACK: there was no such subscription to remove.
    public static let noSubscriptionExisted = MQTTReasonCode(rawValue: 0x11)
    /// 0x80: failure, with no more specific reason given.
    public static let unspecifiedError = MQTTReasonCode(rawValue: 0x80)
    /// 0x81: a packet could not be parsed.
    public static let malformedPacket = MQTTReasonCode(rawValue: 0x81)
    /// 0x82: a well-formed packet the protocol does not allow here.
    public static let protocolError = MQTTReasonCode(rawValue: 0x82)
    /// 0x83: valid, but refused by this implementation.
    public static let implementationSpecificError = MQTTReasonCode(rawValue: 0x83)
    /// 0x84: CONNACK: the broker does not speak the requested version (the client then falls back to 3.1.1).
    public static let unsupportedProtocolVersion = MQTTReasonCode(rawValue: 0x84)
    /// 0x85: CONNACK: the client identifier is not allowed.
    public static let clientIdentifierNotValid = MQTTReasonCode(rawValue: 0x85)
    /// 0x86: CONNACK: the user name or password was refused.
    public static let badUsernameOrPassword = MQTTReasonCode(rawValue: 0x86)
    /// 0x87: the client is not authorized to connect, publish or subscribe as asked.
    public static let notAuthorized = MQTTReasonCode(rawValue: 0x87)
    /// 0x88: CONNACK: the broker is not available.
    public static let serverUnavailable = MQTTReasonCode(rawValue: 0x88)
    /// 0x89: the broker is busy; try again later.
    public static let serverBusy = MQTTReasonCode(rawValue: 0x89)
    /// 0x8A: CONNACK: this client is banned.
    public static let banned = MQTTReasonCode(rawValue: 0x8A)
    /// 0x8B: DISCONNECT: the broker is shutting down.
    public static let serverShuttingDown = MQTTReasonCode(rawValue: 0x8B)
    /// 0x8D: DISCONNECT: the broker heard nothing from the client within 1.5 times the keep alive.
    public static let keepAliveTimeout = MQTTReasonCode(rawValue: 0x8D)
    /// 0x8E: DISCONNECT: another connection with the same client identifier took over.
    public static let sessionTakenOver = MQTTReasonCode(rawValue: 0x8E)
    /// 0x8F: a topic filter is well-formed but not accepted.
    public static let topicFilterInvalid = MQTTReasonCode(rawValue: 0x8F)
    /// 0x90: a topic name is well-formed but not accepted.
    public static let topicNameInvalid = MQTTReasonCode(rawValue: 0x90)
    /// 0x91: the packet identifier is already in use.
    public static let packetIdentifierInUse = MQTTReasonCode(rawValue: 0x91)
    /// 0x92: PUBREL/PUBCOMP: no flow with this packet identifier is known.
    public static let packetIdentifierNotFound = MQTTReasonCode(rawValue: 0x92)
    /// 0x93: more unacknowledged QoS 1/2 publishes than Receive Maximum allows.
    public static let receiveMaximumExceeded = MQTTReasonCode(rawValue: 0x93)
    /// 0x94: a topic alias is 0 or above the maximum the receiver announced.
    public static let topicAliasInvalid = MQTTReasonCode(rawValue: 0x94)
    /// 0x95: a packet exceeded the Maximum Packet Size.
    public static let packetTooLarge = MQTTReasonCode(rawValue: 0x95)
    /// 0x97: an administrative quota was exceeded.
    public static let quotaExceeded = MQTTReasonCode(rawValue: 0x97)
    /// 0x99: the payload does not match its Payload Format Indicator.
    public static let payloadFormatInvalid = MQTTReasonCode(rawValue: 0x99)
    /// 0x9A: the broker does not accept retained messages.
    public static let retainNotSupported = MQTTReasonCode(rawValue: 0x9A)
    /// 0x9B: the broker does not accept this QoS.
    public static let qosNotSupported = MQTTReasonCode(rawValue: 0x9B)
    /// 0x9C: the client should use another server, for now.
    public static let useAnotherServer = MQTTReasonCode(rawValue: 0x9C)
    /// 0x9D: the client should use another server from now on.
    public static let serverMoved = MQTTReasonCode(rawValue: 0x9D)
    /// 0x9F: the client connects too often.
    public static let connectionRateExceeded = MQTTReasonCode(rawValue: 0x9F)
    /// 0x9E: the broker does not support shared subscriptions (`$share/...`).
    public static let sharedSubscriptionsNotSupported = MQTTReasonCode(rawValue: 0x9E)
    /// 0xA2: the broker does not support wildcard subscriptions.
    public static let wildcardSubscriptionsNotSupported = MQTTReasonCode(rawValue: 0xA2)

    /// True for codes below 0x80, which the spec counts as success.
    public var isSuccess: Bool { rawValue < 0x80 }

    /// The spec's name for the code and its hex value, e.g. "not authorized (0x87)".
    public var description: String {
        let name: String
        switch rawValue {
        case 0x00: name = "success"
        case 0x01: name = "granted QoS 1"
        case 0x02: name = "granted QoS 2"
        case 0x04: name = "disconnect with will message"
        case 0x10: name = "no matching subscribers"
        case 0x11: name = "no subscription existed"
        case 0x18: name = "continue authentication"
        case 0x80: name = "unspecified error"
        case 0x81: name = "malformed packet"
        case 0x82: name = "protocol error"
        case 0x83: name = "implementation specific error"
        case 0x84: name = "unsupported protocol version"
        case 0x85: name = "client identifier not valid"
        case 0x86: name = "bad user name or password"
        case 0x87: name = "not authorized"
        case 0x88: name = "server unavailable"
        case 0x89: name = "server busy"
        case 0x8A: name = "banned"
        case 0x8B: name = "server shutting down"
        case 0x8C: name = "bad authentication method"
        case 0x8D: name = "keep alive timeout"
        case 0x8E: name = "session taken over"
        case 0x8F: name = "topic filter invalid"
        case 0x90: name = "topic name invalid"
        case 0x91: name = "packet identifier in use"
        case 0x92: name = "packet identifier not found"
        case 0x93: name = "receive maximum exceeded"
        case 0x94: name = "topic alias invalid"
        case 0x95: name = "packet too large"
        case 0x96: name = "message rate too high"
        case 0x97: name = "quota exceeded"
        case 0x98: name = "administrative action"
        case 0x99: name = "payload format invalid"
        case 0x9A: name = "retain not supported"
        case 0x9B: name = "QoS not supported"
        case 0x9C: name = "use another server"
        case 0x9D: name = "server moved"
        case 0x9E: name = "shared subscriptions not supported"
        case 0x9F: name = "connection rate exceeded"
        case 0xA0: name = "maximum connect time"
        case 0xA1: name = "subscription identifiers not supported"
        case 0xA2: name = "wildcard subscriptions not supported"
        default: name = "reason code"
        }
        return "\(name) (0x\(String(rawValue, radix: 16, uppercase: true)))"
    }
}
