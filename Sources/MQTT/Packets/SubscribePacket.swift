import NIOCore

/// One topic filter of a SUBSCRIBE with its options.
public struct MQTTSubscription: Sendable, Hashable {
    /// When the server sends retained messages for a subscription (v5 only).
    public enum RetainHandling: UInt8, Sendable, Hashable {
        /// At every subscribe.
        case sendAlways = 0
        /// Only when the subscription did not exist before.
        case sendIfNew = 1
        /// Never.
        case doNotSend = 2
    }

    /// The topic filter; `+` matches one level and `#` all the rest.
    public var filter: String
    /// The highest QoS the broker may deliver matching messages at.
    public var qos: MQTTQoS
    /// v5: do not receive our own publications.
    public var noLocal: Bool
    /// v5: live forwards keep the publisher's retain flag.
    public var retainAsPublished: Bool
    /// v5: when the broker sends retained messages for this subscription.
    public var retainHandling: RetainHandling

    /// A subscription to `filter`, by default at QoS 0 with retained messages sent at every subscribe.
    ///
    /// - Parameters:
    ///   - filter: the topic filter.
    ///   - qos: the highest QoS to receive at.
    ///   - noLocal: MQTT 5: skip our own publications.
    ///   - retainAsPublished: MQTT 5: live forwards keep the publisher's retain flag.
    ///   - retainHandling: MQTT 5: when the broker sends retained messages.
    public init(_ filter: String, qos: MQTTQoS = .atMostOnce, noLocal: Bool = false, retainAsPublished: Bool = false,
                retainHandling: RetainHandling = .sendAlways) {
        self.filter = filter
        self.qos = qos
        self.noLocal = noLocal
        self.retainAsPublished = retainAsPublished
        self.retainHandling = retainHandling
    }

    func optionsByte(_ version: MQTTProtocolVersion) -> UInt8 {
        guard version == .v5 else { return qos.rawValue }
        return qos.rawValue | (noLocal ? 0x04 : 0) | (retainAsPublished ? 0x08 : 0) | (retainHandling.rawValue << 4)
    }
}

/// SUBSCRIBE: one or more filters to receive.
public struct SubscribePacket: MQTTPacketCoding, Hashable {
    static let packetType = MQTTPacketType.subscribe

    /// The identifier the SUBACK answers with.
    public var packetID: UInt16
    /// The filters and their options; SUBACK answers each, in this order.
    public var subscriptions: [MQTTSubscription]
    /// The v5 properties (subscription identifier, user properties); not written on 3.1.1.
    public var properties: MQTTProperties

    /// A SUBSCRIBE for one or more filters.
    public init(packetID: UInt16, subscriptions: [MQTTSubscription], properties: MQTTProperties = []) {
        self.packetID = packetID
        self.subscriptions = subscriptions
        self.properties = properties
    }

    static func read(from body: inout ByteBuffer, flags _: UInt8, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> SubscribePacket {
        let packetID = try body.readMQTTPacketIdentifier(.subscribe)
        let properties = version == .v5
            ? try MQTTProperties.read(from: &body, context: .subscribe, packet: .subscribe) : []
        var subscriptions: [MQTTSubscription] = []
        while body.readableBytes > 0 {
            let filter = try body.readMQTTString(.subscribe)
            if let problem = MQTTTopic.filterProblem(filter) { throw .invalidTopicFilter(problem) }
            let options = try body.readMQTTByte(.subscribe)
            let reservedMask: UInt8 = version == .v5 ? 0xC0 : 0xFC
            guard options & reservedMask == 0 else { throw .reservedSubscriptionOptions }
            guard let qos = MQTTQoS(rawValue: options & 0x03) else { throw .invalidQoS }
            guard let handling = MQTTSubscription.RetainHandling(rawValue: (options >> 4) & 0x03) else {
                throw .invalidRetainHandling
            }
            subscriptions.append(MQTTSubscription(filter, qos: qos, noLocal: options & 0x04 != 0,
                                                  retainAsPublished: options & 0x08 != 0, retainHandling: handling))
        }
        guard !subscriptions.isEmpty else { throw .noTopicFilters(.subscribe) }
        return SubscribePacket(packetID: packetID, subscriptions: subscriptions, properties: properties)
    }

    func writeBody(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTEncodeError) {
        buffer.writeInteger(packetID)
        if version == .v5 { try properties.write(to: &buffer) }
        for subscription in subscriptions {
            try buffer.writeMQTTString(subscription.filter)
            buffer.writeInteger(subscription.optionsByte(version))
        }
    }
}
