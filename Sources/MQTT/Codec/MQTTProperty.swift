import NIOCore

/// One MQTT 5 property with its typed value.
public enum MQTTProperty: Sendable, Hashable {
    /// 0x01: 1 when the payload is UTF-8 text, 0 for unspecified bytes.
    case payloadFormatIndicator(UInt8)
    /// 0x02: the message's lifetime in seconds; it is not delivered once expired.
    case messageExpiryInterval(UInt32)
    /// 0x03: the payload's content type, e.g. a MIME type.
    case contentType(String)
    /// 0x08: the topic a request's response should be published to.
    case responseTopic(String)
    /// 0x09: bytes that tie a response to its request.
    case correlationData([UInt8])
    /// 0x0B: names a subscription in SUBSCRIBE, and the matching ones in a PUBLISH (1...268,435,455).
    case subscriptionIdentifier(Int)
    /// 0x11: the seconds the broker keeps the session after the connection closes.
    case sessionExpiryInterval(UInt32)
    /// 0x12: CONNACK: the client identifier the broker assigned (the client sent an empty one).
    case assignedClientIdentifier(String)
    /// 0x13: CONNACK: the keep alive the broker imposes instead of the client's.
    case serverKeepAlive(UInt16)
    /// 0x15: the name of the extended authentication method.
    case authenticationMethod(String)
    /// 0x16: the extended authentication method's data.
    case authenticationData([UInt8])
    /// 0x17: CONNECT: 0 asks the broker to leave Reason Strings and user properties out of most replies.
    case requestProblemInformation(UInt8)
    /// 0x18: will properties: the seconds the broker waits before publishing the will.
    case willDelayInterval(UInt32)
    /// 0x19: CONNECT: 1 asks the broker for Response Information in CONNACK.
    case requestResponseInformation(UInt8)
    /// 0x1A: CONNACK: a basis for response topics, when the client asked for it.
    case responseInformation(String)
    /// 0x1C: CONNACK or DISCONNECT: another server for the client to use.
    case serverReference(String)
    /// 0x1F: a human-readable explanation of the reason code, for diagnostics.
    case reasonString(String)
    /// 0x21: how many QoS 1/2 publishes the sender accepts unacknowledged at once (not 0).
    case receiveMaximum(UInt16)
    /// 0x22: the highest topic alias the sender accepts from its peer (0: none).
    case topicAliasMaximum(UInt16)
    /// 0x23: PUBLISH: a number standing for the topic name on this connection (not 0).
    case topicAlias(UInt16)
    /// 0x24: CONNACK: the highest QoS the broker accepts (0 or 1; absent means 2).
    case maximumQoS(UInt8)
    /// 0x25: CONNACK: 0 when the broker does not accept retained messages.
    case retainAvailable(UInt8)
    /// 0x26: an application-defined key and value; it may repeat, and its order is kept.
    case userProperty(String, String)
    /// 0x27: the largest packet the sender accepts, in bytes (not 0).
    case maximumPacketSize(UInt32)
    /// 0x28: CONNACK: 0 when the broker does not support wildcard filters.
    case wildcardSubscriptionAvailable(UInt8)
    /// 0x29: CONNACK: 0 when the broker does not support subscription identifiers.
    case subscriptionIdentifierAvailable(UInt8)
    /// 0x2A: CONNACK: 0 when the broker does not support shared subscriptions.
    case sharedSubscriptionAvailable(UInt8)

    /// The identifier byte this property is written with.
    public var identifier: MQTTPropertyIdentifier {
        switch self {
        case .payloadFormatIndicator: return .payloadFormatIndicator
        case .messageExpiryInterval: return .messageExpiryInterval
        case .contentType: return .contentType
        case .responseTopic: return .responseTopic
        case .correlationData: return .correlationData
        case .subscriptionIdentifier: return .subscriptionIdentifier
        case .sessionExpiryInterval: return .sessionExpiryInterval
        case .assignedClientIdentifier: return .assignedClientIdentifier
        case .serverKeepAlive: return .serverKeepAlive
        case .authenticationMethod: return .authenticationMethod
        case .authenticationData: return .authenticationData
        case .requestProblemInformation: return .requestProblemInformation
        case .willDelayInterval: return .willDelayInterval
        case .requestResponseInformation: return .requestResponseInformation
        case .responseInformation: return .responseInformation
        case .serverReference: return .serverReference
        case .reasonString: return .reasonString
        case .receiveMaximum: return .receiveMaximum
        case .topicAliasMaximum: return .topicAliasMaximum
        case .topicAlias: return .topicAlias
        case .maximumQoS: return .maximumQoS
        case .retainAvailable: return .retainAvailable
        case .userProperty: return .userProperty
        case .maximumPacketSize: return .maximumPacketSize
        case .wildcardSubscriptionAvailable: return .wildcardSubscriptionAvailable
        case .subscriptionIdentifierAvailable: return .subscriptionIdentifierAvailable
        case .sharedSubscriptionAvailable: return .sharedSubscriptionAvailable
        }
    }

    // MARK: Wire format

    /// Reads one property: its identifier, then a value of the type that identifier fixes.
    static func read(from buffer: inout ByteBuffer, packet type: MQTTPacketType) throws(MQTTDecodeError) -> MQTTProperty {
        let raw = try buffer.readMQTTBodyVariableInteger(type, strict: true)
        guard raw <= UInt8.max, let id = MQTTPropertyIdentifier(rawValue: UInt8(raw)) else {
            throw .unknownProperty(UInt8(truncatingIfNeeded: raw))
        }
        let property: MQTTProperty
        switch id {
        case .payloadFormatIndicator: property = .payloadFormatIndicator(try buffer.readMQTTByte(type))
        case .messageExpiryInterval: property = .messageExpiryInterval(try buffer.readMQTTUInt32(type))
        case .contentType: property = .contentType(try buffer.readMQTTString(type))
        case .responseTopic: property = .responseTopic(try buffer.readMQTTString(type))
        case .correlationData: property = .correlationData(try buffer.readMQTTBinary(type))
        case .subscriptionIdentifier:
            property = .subscriptionIdentifier(try buffer.readMQTTBodyVariableInteger(type, strict: true))
        case .sessionExpiryInterval: property = .sessionExpiryInterval(try buffer.readMQTTUInt32(type))
        case .assignedClientIdentifier: property = .assignedClientIdentifier(try buffer.readMQTTString(type))
        case .serverKeepAlive: property = .serverKeepAlive(try buffer.readMQTTUInt16(type))
        case .authenticationMethod: property = .authenticationMethod(try buffer.readMQTTString(type))
        case .authenticationData: property = .authenticationData(try buffer.readMQTTBinary(type))
        case .requestProblemInformation: property = .requestProblemInformation(try buffer.readMQTTByte(type))
        case .willDelayInterval: property = .willDelayInterval(try buffer.readMQTTUInt32(type))
        case .requestResponseInformation: property = .requestResponseInformation(try buffer.readMQTTByte(type))
        case .responseInformation: property = .responseInformation(try buffer.readMQTTString(type))
        case .serverReference: property = .serverReference(try buffer.readMQTTString(type))
        case .reasonString: property = .reasonString(try buffer.readMQTTString(type))
        case .receiveMaximum: property = .receiveMaximum(try buffer.readMQTTUInt16(type))
        case .topicAliasMaximum: property = .topicAliasMaximum(try buffer.readMQTTUInt16(type))
        case .topicAlias: property = .topicAlias(try buffer.readMQTTUInt16(type))
        case .maximumQoS: property = .maximumQoS(try buffer.readMQTTByte(type))
        case .retainAvailable: property = .retainAvailable(try buffer.readMQTTByte(type))
        case .userProperty:
            property = .userProperty(try buffer.readMQTTString(type), try buffer.readMQTTString(type))
        case .maximumPacketSize: property = .maximumPacketSize(try buffer.readMQTTUInt32(type))
        case .wildcardSubscriptionAvailable: property = .wildcardSubscriptionAvailable(try buffer.readMQTTByte(type))
        case .subscriptionIdentifierAvailable:
            property = .subscriptionIdentifierAvailable(try buffer.readMQTTByte(type))
        case .sharedSubscriptionAvailable: property = .sharedSubscriptionAvailable(try buffer.readMQTTByte(type))
        }
        guard property.hasValidValue else { throw .invalidPropertyValue(id) }
        return property
    }

    func write(to buffer: inout ByteBuffer) throws(MQTTEncodeError) {
        try buffer.writeMQTTVariableByteInteger(Int(identifier.rawValue))
        switch self {
        case let .payloadFormatIndicator(v), let .requestProblemInformation(v), let .requestResponseInformation(v),
             let .maximumQoS(v), let .retainAvailable(v), let .wildcardSubscriptionAvailable(v),
             let .subscriptionIdentifierAvailable(v), let .sharedSubscriptionAvailable(v):
            buffer.writeInteger(v)
        case let .messageExpiryInterval(v), let .sessionExpiryInterval(v), let .willDelayInterval(v),
             let .maximumPacketSize(v):
            buffer.writeInteger(v)
        case let .serverKeepAlive(v), let .receiveMaximum(v), let .topicAliasMaximum(v), let .topicAlias(v):
            buffer.writeInteger(v)
        case let .contentType(s), let .responseTopic(s), let .assignedClientIdentifier(s),
             let .authenticationMethod(s), let .responseInformation(s), let .serverReference(s),
             let .reasonString(s):
            try buffer.writeMQTTString(s)
        case let .correlationData(b), let .authenticationData(b):
            try buffer.writeMQTTBinary(b)
        case let .subscriptionIdentifier(v):
            try buffer.writeMQTTVariableByteInteger(v)
        case let .userProperty(key, value):
            try buffer.writeMQTTString(key)
            try buffer.writeMQTTString(value)
        }
    }

    /// Range checks the spec makes on single values.
    var hasValidValue: Bool {
        switch self {
        case let .payloadFormatIndicator(v), let .requestProblemInformation(v), let .requestResponseInformation(v),
             let .maximumQoS(v), let .retainAvailable(v), let .wildcardSubscriptionAvailable(v),
             let .subscriptionIdentifierAvailable(v), let .sharedSubscriptionAvailable(v):
            return v <= 1
        case let .subscriptionIdentifier(v): return v >= 1 && v <= ByteBuffer.maxVariableByteInteger
        case let .receiveMaximum(v), let .topicAlias(v): return v != 0
        case let .maximumPacketSize(v): return v != 0
        default: return true
        }
    }
}
