import NIOCore

/// AUTH (v5 only): a step of extended authentication.
public struct AuthPacket: MQTTPacketCoding, Hashable {
    static let packetType = MQTTPacketType.auth

    /// Success (0x00), Continue Authentication (0x18) or Re-authenticate (0x19).
    public var reasonCode: MQTTReasonCode
    /// The AUTH properties: authentication method and data, Reason String, user properties.
    public var properties: MQTTProperties

    /// An AUTH packet; the defaults encode as the short form, with no body.
    public init(reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = []) {
        self.reasonCode = reasonCode
        self.properties = properties
    }

    static func read(from body: inout ByteBuffer, flags _: UInt8, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> AuthPacket {
        guard version == .v5 else { throw .invalidPacketType(MQTTPacketType.auth.rawValue) }
        var packet = AuthPacket()
        if body.readableBytes > 0 {
            packet.reasonCode = MQTTReasonCode(rawValue: try body.readMQTTByte(.auth))
            guard [0x00, 0x18, 0x19].contains(packet.reasonCode.rawValue) else {
                throw .reasonCodeNotAllowed(packet.reasonCode, .auth)
            }
            packet.properties = try MQTTProperties.read(from: &body, context: .auth, packet: .auth)
        }
        try body.mqttExpectFullyRead(.auth)
        return packet
    }

    func writeBody(to buffer: inout ByteBuffer, version _: MQTTProtocolVersion) throws(MQTTEncodeError) {
        guard reasonCode != .success || !properties.isEmpty else { return }
        buffer.writeInteger(reasonCode.rawValue)
        try properties.write(to: &buffer)
    }
}
