import NIOCore

/// One MQTT 5 property with its typed value.
public enum MQTTProperty: Sendable, Hashable {
    case payloadFormatIndicator(UInt8)
    case messageExpiryInterval(UInt32)
    case contentType(String)
    case responseTopic(String)
    case correlationData([UInt8])
    case subscriptionIdentifier(Int)
    case sessionExpiryInterval(UInt32)
    case assignedClientIdentifier(String)
    case serverKeepAlive(UInt16)
    case authenticationMethod(String)
    case authenticationData([UInt8])
    case requestProblemInformation(UInt8)
    case willDelayInterval(UInt32)
    case requestResponseInformation(UInt8)
    case responseInformation(String)
    case serverReference(String)
    case reasonString(String)
    case receiveMaximum(UInt16)
    case topicAliasMaximum(UInt16)
    case topicAlias(UInt16)
    case maximumQoS(UInt8)
    case retainAvailable(UInt8)
    case userProperty(String, String)
    case maximumPacketSize(UInt32)
    case wildcardSubscriptionAvailable(UInt8)
    case subscriptionIdentifierAvailable(UInt8)
    case sharedSubscriptionAvailable(UInt8)

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
