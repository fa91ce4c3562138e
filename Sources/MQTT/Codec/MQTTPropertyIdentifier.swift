/// The identifier byte of an MQTT 5 property.
public enum MQTTPropertyIdentifier: UInt8, Sendable, Hashable, CustomStringConvertible {
    /// Payload Format Indicator (PUBLISH, will): whether the payload is UTF-8 text.
    case payloadFormatIndicator = 0x01
    /// Message Expiry Interval (PUBLISH, will): the message's lifetime in seconds.
    case messageExpiryInterval = 0x02
    /// Content Type (PUBLISH, will): the payload's content type.
    case contentType = 0x03
    /// Response Topic (PUBLISH, will): where a response should be published.
    case responseTopic = 0x08
    /// Correlation Data (PUBLISH, will): bytes tying a response to its request.
    case correlationData = 0x09
    /// Subscription Identifier (SUBSCRIBE, PUBLISH): names the subscriptions a message matched.
    case subscriptionIdentifier = 0x0B
    /// Session Expiry Interval (CONNECT, CONNACK, DISCONNECT): how long the session outlives the connection.
    case sessionExpiryInterval = 0x11
    /// Assigned Client Identifier (CONNACK): the identifier the broker chose for the client.
    case assignedClientIdentifier = 0x12
    /// Server Keep Alive (CONNACK): the keep alive the broker imposes.
    case serverKeepAlive = 0x13
    /// Authentication Method (CONNECT, CONNACK, AUTH): the extended authentication in use.
    case authenticationMethod = 0x15
    /// Authentication Data (CONNECT, CONNACK, AUTH): the authentication method's data.
    case authenticationData = 0x16
    /// Request Problem Information (CONNECT): whether failures may carry Reason Strings and user properties.
    case requestProblemInformation = 0x17
    /// Will Delay Interval (will): the wait before the broker publishes the will.
    case willDelayInterval = 0x18
    /// Request Response Information (CONNECT): asks for Response Information in CONNACK.
    case requestResponseInformation = 0x19
    /// Response Information (CONNACK): a basis for response topics.
    case responseInformation = 0x1A
    /// Server Reference (CONNACK, DISCONNECT): another server for the client to use.
    case serverReference = 0x1C
    /// Reason String (CONNACK, acks, DISCONNECT, AUTH): a human-readable reason.
    case reasonString = 0x1F
    /// Receive Maximum (CONNECT, CONNACK): how many QoS 1/2 publishes the sender accepts unacknowledged.
    case receiveMaximum = 0x21
    /// Topic Alias Maximum (CONNECT, CONNACK): the highest topic alias the sender accepts.
    case topicAliasMaximum = 0x22
    /// Topic Alias (PUBLISH): a number standing for the topic name on this connection.
    case topicAlias = 0x23
    /// Maximum QoS (CONNACK): the highest QoS the broker accepts.
    case maximumQoS = 0x24
    /// Retain Available (CONNACK): whether the broker accepts retained messages.
    case retainAvailable = 0x25
    /// User Property (any packet): an application-defined key and value; it may repeat.
    case userProperty = 0x26
    /// Maximum Packet Size (CONNECT, CONNACK): the largest packet the sender accepts.
    case maximumPacketSize = 0x27
    /// Wildcard Subscription Available (CONNACK): whether wildcard filters are supported.
    case wildcardSubscriptionAvailable = 0x28
    /// Subscription Identifier Available (CONNACK): whether subscription identifiers are supported.
    case subscriptionIdentifierAvailable = 0x29
    /// Shared Subscription Available (CONNACK): whether shared subscriptions are supported.
    case sharedSubscriptionAvailable = 0x2A

    /// The snake-case name and the hex identifier, e.g. "topic_alias (0x23)".
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
    /// The properties of CONNECT itself (the will has its own).
    case connect
    /// The properties of CONNACK.
    case connack
    /// The properties of PUBLISH.
    case publish
    /// The will's properties, inside CONNECT.
    case will
    /// The properties of PUBACK, PUBREC, PUBREL or PUBCOMP.
    case ack
    /// The properties of SUBSCRIBE.
    case subscribe
    /// The properties of SUBACK.
    case suback
    /// The properties of UNSUBSCRIBE.
    case unsubscribe
    /// The properties of UNSUBACK.
    case unsuback
    /// The properties of DISCONNECT.
    case disconnect
    /// The properties of AUTH.
    case auth

    /// The packet's name (or "the will properties"), for error messages.
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
