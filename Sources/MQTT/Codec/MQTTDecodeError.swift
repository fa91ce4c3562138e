/// Why bytes from a peer could not be decoded as an MQTT packet.
///
/// Each case maps to the v5 reason code the connection is closed with.
public enum MQTTDecodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The remaining length used a fifth continuation byte.
    case remainingLengthTooLong
    /// A v5 variable byte integer did not use the fewest bytes possible.
    case nonMinimalVariableByteInteger
    /// The announced packet is larger than the receiver allows; refused before allocating.
    case packetTooLarge(size: Int, limit: Int)
    /// Type 0 is reserved; AUTH (15) does not exist in 3.1.1.
    case invalidPacketType(UInt8)
    /// The fixed-header flag bits are wrong for the packet type.
    case invalidFlags(MQTTPacketType, UInt8)
    /// Both QoS bits set, or a QoS byte above 2.
    case invalidQoS
    /// Packet identifier 0 where one is required.
    case zeroPacketIdentifier
    /// A PUBLISH topic name is empty where not allowed, or holds a wildcard.
    case invalidTopicName(MQTTTopicProblem)
    /// A topic filter is not valid.
    case invalidTopicFilter(MQTTTopicProblem)
    /// A string is not well-formed UTF-8, or contains U+0000.
    case malformedUTF8
    /// The packet ended before a field it announced.
    case truncated(MQTTPacketType)
    /// The packet had bytes left over after its last field.
    case trailingBytes(MQTTPacketType)
    /// A v5 property identifier the spec does not define.
    case unknownProperty(UInt8)
    /// A v5 property that may not appear in this packet.
    case propertyNotAllowed(MQTTPropertyIdentifier, MQTTPropertyContext)
    /// A v5 property that appeared twice where it may appear once.
    case duplicateProperty(MQTTPropertyIdentifier)
    /// A v5 property with a value outside its range.
    case invalidPropertyValue(MQTTPropertyIdentifier)
    /// CONNECT names a protocol or level other than MQTT 3.1.1 and 5.0.
    case unsupportedProtocol(name: String, level: UInt8)
    /// A reserved flag bit in the variable header is set (CONNECT, CONNACK).
    case reservedFlagSet(MQTTPacketType)
    /// CONNECT sets Will QoS or Will Retain without a will.
    case willFlagsWithoutWill
    /// CONNECT has a password but no user name (3.1.1).
    case passwordWithoutUsername
    /// SUBSCRIBE or UNSUBSCRIBE without a topic filter.
    case noTopicFilters(MQTTPacketType)
    /// A reason code the spec does not allow in this packet.
    case reasonCodeNotAllowed(MQTTReasonCode, MQTTPacketType)
    /// A 3.1.1 CONNACK or SUBACK return code outside the spec's list.
    case invalidReturnCode(UInt8, MQTTPacketType)
    /// SUBACK or UNSUBACK (v5) without reason codes.
    case noReasonCodes(MQTTPacketType)
    /// Reserved bits of a subscription's options are set.
    case reservedSubscriptionOptions
    /// A subscription asks for Retain Handling 3, which does not exist.
    case invalidRetainHandling

    /// The reason code to put in the DISCONNECT that closes the connection.
    public var reasonCode: MQTTReasonCode {
        switch self {
        case .packetTooLarge: return .packetTooLarge
        case .invalidTopicName: return .topicNameInvalid
        case .invalidTopicFilter: return .topicFilterInvalid
        // A Topic Alias of 0 is not a malformed value but an invalid alias (§3.3.2.3.4).
        case .invalidPropertyValue(.topicAlias): return .topicAliasInvalid
        case .propertyNotAllowed, .duplicateProperty, .invalidPropertyValue, .zeroPacketIdentifier, .unsupportedProtocol,
             .reservedFlagSet, .willFlagsWithoutWill, .passwordWithoutUsername, .noTopicFilters, .reasonCodeNotAllowed,
             .invalidReturnCode, .noReasonCodes, .reservedSubscriptionOptions, .invalidRetainHandling:
            return .protocolError
        default: return .malformedPacket
        }
    }

    /// The problem in one line, naming the packet type or property involved.
    public var description: String {
        switch self {
        case .remainingLengthTooLong: return "remaining length longer than 4 bytes"
        case .nonMinimalVariableByteInteger: return "variable byte integer not minimally encoded"
        case let .packetTooLarge(size, limit): return "packet of \(size) bytes exceeds the limit of \(limit) bytes"
        case let .invalidPacketType(type): return "invalid packet type \(type)"
        case let .invalidFlags(type, flags): return "invalid flags 0x\(String(flags, radix: 16)) on \(type)"
        case .invalidQoS: return "invalid QoS 3"
        case .zeroPacketIdentifier: return "packet identifier 0"
        case let .invalidTopicName(why): return "invalid topic name: \(why)"
        case let .invalidTopicFilter(why): return "invalid topic filter: \(why)"
        case .malformedUTF8: return "ill-formed UTF-8 string"
        case let .truncated(type): return "truncated \(type) packet"
        case let .trailingBytes(type): return "unexpected bytes after the end of a \(type) packet"
        case let .unknownProperty(id): return "unknown property 0x\(String(id, radix: 16))"
        case let .propertyNotAllowed(id, context): return "property \(id) not allowed in \(context)"
        case let .duplicateProperty(id): return "duplicate property \(id)"
        case let .invalidPropertyValue(id): return "invalid value for property \(id)"
        case let .unsupportedProtocol(name, level): return "unsupported protocol \(name) level \(level)"
        case let .reservedFlagSet(type): return "reserved \(type) flag set"
        case .willFlagsWithoutWill: return "will QoS or retain set without a will"
        case .passwordWithoutUsername: return "password without a user name"
        case let .noTopicFilters(type): return "\(type) without a topic filter"
        case let .reasonCodeNotAllowed(code, type): return "reason code \(code) not allowed in \(type)"
        case let .invalidReturnCode(code, type): return "invalid \(type) return code \(code)"
        case let .noReasonCodes(type): return "\(type) without reason codes"
        case .reservedSubscriptionOptions: return "reserved subscription option bits set"
        case .invalidRetainHandling: return "retain handling 3"
        }
    }
}
