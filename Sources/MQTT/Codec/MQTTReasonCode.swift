/// An MQTT 5 reason code, as carried by CONNACK, the acks and DISCONNECT.
///
/// 3.1.1 CONNACK return codes are mapped onto the matching v5 codes when decoded.
public struct MQTTReasonCode: RawRepresentable, Sendable, Hashable, CustomStringConvertible {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    public static let success = MQTTReasonCode(rawValue: 0x00)
    public static let grantedQoS1 = MQTTReasonCode(rawValue: 0x01)
    public static let grantedQoS2 = MQTTReasonCode(rawValue: 0x02)
    public static let disconnectWithWill = MQTTReasonCode(rawValue: 0x04)
    public static let noMatchingSubscribers = MQTTReasonCode(rawValue: 0x10)
    public static let noSubscriptionExisted = MQTTReasonCode(rawValue: 0x11)
    public static let unspecifiedError = MQTTReasonCode(rawValue: 0x80)
    public static let malformedPacket = MQTTReasonCode(rawValue: 0x81)
    public static let protocolError = MQTTReasonCode(rawValue: 0x82)
    public static let implementationSpecificError = MQTTReasonCode(rawValue: 0x83)
    public static let unsupportedProtocolVersion = MQTTReasonCode(rawValue: 0x84)
    public static let clientIdentifierNotValid = MQTTReasonCode(rawValue: 0x85)
    public static let badUsernameOrPassword = MQTTReasonCode(rawValue: 0x86)
    public static let notAuthorized = MQTTReasonCode(rawValue: 0x87)
    public static let serverUnavailable = MQTTReasonCode(rawValue: 0x88)
    public static let serverBusy = MQTTReasonCode(rawValue: 0x89)
    public static let banned = MQTTReasonCode(rawValue: 0x8A)
    public static let serverShuttingDown = MQTTReasonCode(rawValue: 0x8B)
    public static let keepAliveTimeout = MQTTReasonCode(rawValue: 0x8D)
    public static let sessionTakenOver = MQTTReasonCode(rawValue: 0x8E)
    public static let topicFilterInvalid = MQTTReasonCode(rawValue: 0x8F)
    public static let topicNameInvalid = MQTTReasonCode(rawValue: 0x90)
    public static let packetIdentifierInUse = MQTTReasonCode(rawValue: 0x91)
    public static let packetIdentifierNotFound = MQTTReasonCode(rawValue: 0x92)
    public static let receiveMaximumExceeded = MQTTReasonCode(rawValue: 0x93)
    public static let topicAliasInvalid = MQTTReasonCode(rawValue: 0x94)
    public static let packetTooLarge = MQTTReasonCode(rawValue: 0x95)
    public static let quotaExceeded = MQTTReasonCode(rawValue: 0x97)
    public static let payloadFormatInvalid = MQTTReasonCode(rawValue: 0x99)
    public static let retainNotSupported = MQTTReasonCode(rawValue: 0x9A)
    public static let qosNotSupported = MQTTReasonCode(rawValue: 0x9B)
    public static let useAnotherServer = MQTTReasonCode(rawValue: 0x9C)
    public static let serverMoved = MQTTReasonCode(rawValue: 0x9D)
    public static let connectionRateExceeded = MQTTReasonCode(rawValue: 0x9F)
    public static let sharedSubscriptionsNotSupported = MQTTReasonCode(rawValue: 0x9E)
    public static let wildcardSubscriptionsNotSupported = MQTTReasonCode(rawValue: 0xA2)

    /// True for codes below 0x80, which the spec counts as success.
    public var isSuccess: Bool { rawValue < 0x80 }

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
