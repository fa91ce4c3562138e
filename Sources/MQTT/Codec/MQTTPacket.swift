import NIOCore

/// Any MQTT control packet.
public enum MQTTPacket: Sendable, Hashable {
    /// CONNECT: the client's first packet, opening the session.
    case connect(ConnectPacket)
    /// CONNACK: the broker's answer to CONNECT.
    case connack(ConnAckPacket)
    /// PUBLISH: an application message, in either direction.
    case publish(PublishPacket)
    /// PUBACK, PUBREC, PUBREL or PUBCOMP, told apart by the packet's `kind`.
    case publishAck(PublishAckPacket)
    /// SUBSCRIBE: topic filters the client asks for.
    case subscribe(SubscribePacket)
    /// SUBACK or UNSUBACK, told apart by the packet's `kind`.
    case subscriptionAck(SubscriptionAckPacket)
    /// UNSUBSCRIBE: topic filters the client drops.
    case unsubscribe(UnsubscribePacket)
    /// PINGREQ: the client's keep-alive ping; it has no body.
    case pingreq
    /// PINGRESP: the broker's answer to PINGREQ; it has no body.
    case pingresp
    /// DISCONNECT: a clean close, with a reason code in MQTT 5.
    case disconnect(DisconnectPacket)
    /// AUTH: a step of MQTT 5 extended authentication (decoded; the client never sends it).
    case auth(AuthPacket)

    /// The type in the fixed header; the shared ack cases give their own (PUBREC, UNSUBACK...).
    public var type: MQTTPacketType {
        switch self {
        case .connect: return .connect
        case .connack: return .connack
        case .publish: return .publish
        case let .publishAck(ack): return ack.kind.packetType
        case .subscribe: return .subscribe
        case let .subscriptionAck(ack): return ack.packetType
        case .unsubscribe: return .unsubscribe
        case .pingreq: return .pingreq
        case .pingresp: return .pingresp
        case .disconnect: return .disconnect
        case .auth: return .auth
        }
    }

    // MARK: Decoding

    /// The type and flags of a fixed header's first byte, checked: the stream decoder checks them
    /// before it waits for the body, so bytes of another protocol fail at once.
    public static func fixedHeader(_ firstByte: UInt8) throws(MQTTDecodeError) -> (type: MQTTPacketType, flags: UInt8) {
        guard let type = MQTTPacketType(rawValue: firstByte >> 4) else { throw .invalidPacketType(firstByte >> 4) }
        let flags = firstByte & 0x0F
        if let required = type.requiredFlags, flags != required { throw .invalidFlags(type, flags) }
        return (type, flags)
    }

    /// Decodes one packet from its first byte and a body holding exactly the remaining length.
    ///
    /// - Parameters:
    ///   - firstByte: the fixed header's first byte (type and flags).
    ///   - body: the remaining length's bytes, all of them.
    ///   - version: the protocol version spoken on the connection.
    public static func read(
        firstByte: UInt8, body: inout ByteBuffer, version: MQTTProtocolVersion
    ) throws(MQTTDecodeError) -> MQTTPacket {
        let (type, flags) = try fixedHeader(firstByte)
        switch type {
        case .connect: return .connect(try .read(from: &body, flags: flags, version: version))
        case .connack: return .connack(try .read(from: &body, flags: flags, version: version))
        case .publish: return .publish(try .read(from: &body, flags: flags, version: version))
        case .puback: return .publishAck(try .read(.puback, from: &body, version: version))
        case .pubrec: return .publishAck(try .read(.pubrec, from: &body, version: version))
        case .pubrel: return .publishAck(try .read(.pubrel, from: &body, version: version))
        case .pubcomp: return .publishAck(try .read(.pubcomp, from: &body, version: version))
        case .subscribe: return .subscribe(try .read(from: &body, flags: flags, version: version))
        case .suback: return .subscriptionAck(try .read(.suback, from: &body, version: version))
        case .unsubscribe: return .unsubscribe(try .read(from: &body, flags: flags, version: version))
        case .unsuback: return .subscriptionAck(try .read(.unsuback, from: &body, version: version))
        case .pingreq, .pingresp:
            try body.mqttExpectFullyRead(type)
            return type == .pingreq ? .pingreq : .pingresp
        case .disconnect: return .disconnect(try .read(from: &body, flags: flags, version: version))
        case .auth: return .auth(try .read(from: &body, flags: flags, version: version))
        }
    }

    // MARK: Encoding

    /// Appends the whole packet, fixed header included, to `buffer`.
    ///
    /// - Parameters:
    ///   - buffer: where the packet goes.
    ///   - version: the protocol version spoken on the connection.
    ///   - maximumPacketSize: the peer's limit on a whole packet.
    /// - Throws: `MQTTEncodeError` when a field is too long, or the packet would exceed `maximumPacketSize`.
    public func write(
        to buffer: inout ByteBuffer, version: MQTTProtocolVersion,
        maximumPacketSize: Int = Int.max
    ) throws(MQTTEncodeError) {
        var body = ByteBuffer()
        let flags: UInt8
        switch self {
        case let .connect(p): flags = p.fixedHeaderFlags; try p.writeBody(to: &body, version: version)
        case let .connack(p): flags = p.fixedHeaderFlags; try p.writeBody(to: &body, version: version)
        case let .publish(p): flags = p.fixedHeaderFlags; try p.writeBody(to: &body, version: version)
        case let .publishAck(p): flags = p.fixedHeaderFlags; try p.writeBody(to: &body, version: version)
        case let .subscribe(p): flags = p.fixedHeaderFlags; try p.writeBody(to: &body, version: version)
        case let .subscriptionAck(p): flags = 0; try p.writeBody(to: &body, version: version)
        case let .unsubscribe(p): flags = p.fixedHeaderFlags; try p.writeBody(to: &body, version: version)
        case .pingreq, .pingresp: flags = 0
        case let .disconnect(p): flags = p.fixedHeaderFlags; try p.writeBody(to: &body, version: version)
        case let .auth(p): flags = p.fixedHeaderFlags; try p.writeBody(to: &body, version: version)
        }
        let length = body.readableBytes
        guard length <= ByteBuffer.maxVariableByteInteger else {
            throw .packetTooLarge(size: length, limit: ByteBuffer.maxVariableByteInteger)
        }
        let total = 1 + ByteBuffer.mqttVariableByteIntegerSize(length) + length
        guard total <= maximumPacketSize else { throw .packetTooLarge(size: total, limit: maximumPacketSize) }
        buffer.writeInteger(type.rawValue << 4 | flags)
        try buffer.writeMQTTVariableByteInteger(length)
        buffer.writeImmutableBuffer(body)
    }

    /// The packet encoded on its own.
    public func encoded(version: MQTTProtocolVersion) throws(MQTTEncodeError) -> ByteBuffer {
        var buffer = ByteBuffer()
        try write(to: &buffer, version: version)
        return buffer
    }
}
