/// The identifier byte of an MQTT 5 property.
public enum MQTTPropertyIdentifier: UInt8, Sendable, Hashable, CustomStringConvertible {
    case payloadFormatIndicator = 0x01
    case messageExpiryInterval = 0x02
    case contentType = 0x03
    case responseTopic = 0x08
    case correlationData = 0x09
    case subscriptionIdentifier = 0x0B
    case sessionExpiryInterval = 0x11
    case assignedClientIdentifier = 0x12
    case serverKeepAlive = 0x13
    case authenticationMethod = 0x15
    case authenticationData = 0x16
    case requestProblemInformation = 0x17
    case willDelayInterval = 0x18
    case requestResponseInformation = 0x19
    case responseInformation = 0x1A
    case serverReference = 0x1C
    case reasonString = 0x1F
    case receiveMaximum = 0x21
    case topicAliasMaximum = 0x22
    case topicAlias = 0x23
    case maximumQoS = 0x24
    case retainAvailable = 0x25
    case userProperty = 0x26
    case maximumPacketSize = 0x27
    case wildcardSubscriptionAvailable = 0x28
    case subscriptionIdentifierAvailable = 0x29
    case sharedSubscriptionAvailable = 0x2A

    public var description: String { "\(name) (0x\(String(rawValue, radix: 16, uppercase: true)))" }

    /// The spec's name in snake case, as used in JSON output.
    public var name: String {
        switch self {
        case .payloadFormatIndicator: return "payload_format_indicator"
        case .messageExpiryInterval: return "message_expiry_interval"
        case .contentType: return "content_type"
        case .responseTopic: return "response_topic"
        case .correlationData: return "correlation_data"
        case .subscriptionIdentifier: return "subscription_identifier"
        case .sessionExpiryInterval: return "session_expiry_interval"
        case .assignedClientIdentifier: return "assigned_client_identifier"
        case .serverKeepAlive: return "server_keep_alive"
        case .authenticationMethod: return "authentication_method"
        case .authenticationData: return "authentication_data"
        case .requestProblemInformation: return "request_problem_information"
        case .willDelayInterval: return "will_delay_interval"
        case .requestResponseInformation: return "request_response_information"
        case .responseInformation: return "response_information"
        case .serverReference: return "server_reference"
        case .reasonString: return "reason_string"
        case .receiveMaximum: return "receive_maximum"
        case .topicAliasMaximum: return "topic_alias_maximum"
        case .topicAlias: return "topic_alias"
        case .maximumQoS: return "maximum_qos"
        case .retainAvailable: return "retain_available"
        case .userProperty: return "user_property"
        case .maximumPacketSize: return "maximum_packet_size"
        case .wildcardSubscriptionAvailable: return "wildcard_subscription_available"
        case .subscriptionIdentifierAvailable: return "subscription_identifier_available"
        case .sharedSubscriptionAvailable: return "shared_subscription_available"
        }
    }

    /// Where the spec allows this property (MQTT 5.0, table 2-4).
    func isAllowed(in context: MQTTPropertyContext) -> Bool {
        switch self {
        case .payloadFormatIndicator, .messageExpiryInterval, .contentType, .responseTopic, .correlationData:
            return context == .publish || context == .will
        case .subscriptionIdentifier:
            return context == .publish || context == .subscribe
        case .sessionExpiryInterval:
            return context == .connect || context == .connack || context == .disconnect
        case .assignedClientIdentifier, .serverKeepAlive, .responseInformation, .maximumQoS, .retainAvailable,
             .wildcardSubscriptionAvailable, .subscriptionIdentifierAvailable, .sharedSubscriptionAvailable:
            return context == .connack
        case .authenticationMethod, .authenticationData:
            return context == .connect || context == .connack || context == .auth
        case .requestProblemInformation, .requestResponseInformation:
            return context == .connect
        case .willDelayInterval:
            return context == .will
        case .serverReference:
            return context == .connack || context == .disconnect
        case .reasonString:
            switch context {
            case .connect, .publish, .will, .subscribe, .unsubscribe: return false
            default: return true
            }
        case .receiveMaximum, .topicAliasMaximum, .maximumPacketSize:
            return context == .connect || context == .connack
        case .topicAlias:
            return context == .publish
        case .userProperty:
            return true
        }
    }

    /// Whether the property may appear more than once in one packet.
    var mayRepeat: Bool { self == .userProperty || self == .subscriptionIdentifier }
}

/// The packet (or the will inside CONNECT) a property list belongs to.
public enum MQTTPropertyContext: Sendable, Hashable, CustomStringConvertible {
    case connect, connack, publish, will, ack, subscribe, suback, unsubscribe, unsuback, disconnect, auth

    public var description: String {
        switch self {
        case .connect: return "CONNECT"
        case .connack: return "CONNACK"
        case .publish: return "PUBLISH"
        case .will: return "the will properties"
        case .ack: return "a publish acknowledgement"
        case .subscribe: return "SUBSCRIBE"
        case .suback: return "SUBACK"
        case .unsubscribe: return "UNSUBSCRIBE"
        case .unsuback: return "UNSUBACK"
        case .disconnect: return "DISCONNECT"
        case .auth: return "AUTH"
        }
    }
}
