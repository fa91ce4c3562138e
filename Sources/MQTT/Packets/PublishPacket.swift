import NIOCore

/// PUBLISH: an application message, in either direction.
public struct PublishPacket: MQTTPacketCoding, Hashable {
    static let packetType = MQTTPacketType.publish

    /// The topic name; empty only in a v5 packet that carries a topic alias.
    public var topic: String
    /// The application message's bytes.
    public var payload: [UInt8]
    /// The delivery guarantee this PUBLISH is sent with.
    public var qos: MQTTQoS
    /// Whether the broker keeps it as the topic's retained value (an empty payload clears that).
    public var retain: Bool
    /// Set on a resend of a QoS 1/2 PUBLISH the receiver may already have seen.
    public var dup: Bool
    /// Present exactly when QoS > 0.
    public var packetID: UInt16?
    /// The v5 PUBLISH properties (topic alias, expiry, content type, user properties...).
    public var properties: MQTTProperties

    /// A PUBLISH; QoS 1 and 2 need a `packetID` before encoding (nil is written as 0).
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false, dup: Bool = false,
                packetID: UInt16? = nil, properties: MQTTProperties = []) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.dup = dup
        self.packetID = packetID
        self.properties = properties
    }

    var fixedHeaderFlags: UInt8 { (dup ? 0x08 : 0) | (qos.rawValue << 1) | (retain ? 0x01 : 0) }

    static func read(from body: inout ByteBuffer, flags: UInt8, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> PublishPacket {
        guard let qos = MQTTQoS(rawValue: (flags >> 1) & 0x03) else { throw .invalidQoS }
        let dup = flags & 0x08 != 0
        if dup, qos == .atMostOnce { throw .invalidFlags(.publish, flags) }  // [MQTT-3.3.1-2]
        let topic = try body.readMQTTString(.publish)
        if topic.utf8.contains(where: { $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: "#") }) {
            throw .invalidTopicName(.wildcardInName)
        }
        let packetID = qos == .atMostOnce ? nil : try body.readMQTTPacketIdentifier(.publish)
        let properties = version == .v5
            ? try MQTTProperties.read(from: &body, context: .publish, packet: .publish) : []
        if topic.isEmpty, properties.topicAlias == nil {
            throw .invalidTopicName(.empty)
        }
        let payload = body.readBytes(length: body.readableBytes) ?? []
        return PublishPacket(topic: topic, payload: payload, qos: qos, retain: flags & 0x01 != 0, dup: dup,
                             packetID: packetID, properties: properties)
    }

    func writeBody(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTEncodeError) {
        try buffer.writeMQTTString(topic)
        if qos != .atMostOnce { buffer.writeInteger(packetID ?? 0) }
        if version == .v5 { try properties.write(to: &buffer) }
        buffer.writeBytes(payload)
    }
}
