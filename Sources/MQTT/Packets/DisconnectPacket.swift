import NIOCore

/// DISCONNECT: the last packet before a clean close; in v5 it may come from the server too.
public struct DisconnectPacket: MQTTPacketCoding, Hashable {
    static let packetType = MQTTPacketType.disconnect

    /// Why the connection closes; success means a normal disconnection (sent in v5 only).
    public var reasonCode: MQTTReasonCode
    /// The v5 DISCONNECT properties (Reason String, session expiry, server reference).
    public var properties: MQTTProperties

    /// A DISCONNECT; the defaults encode as a normal disconnection with no body.
    public init(reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = []) {
        self.reasonCode = reasonCode
        self.properties = properties
    }

    static func read(from body: inout ByteBuffer, flags _: UInt8, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> DisconnectPacket {
        var packet = DisconnectPacket()
        if version == .v5, body.readableBytes > 0 {
            packet.reasonCode = MQTTReasonCode(rawValue: try body.readMQTTByte(.disconnect))
            if body.readableBytes > 0 {
                packet.properties = try MQTTProperties.read(from: &body, context: .disconnect, packet: .disconnect)
            }
        }
        try body.mqttExpectFullyRead(.disconnect)
        return packet
    }

    func writeBody(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTEncodeError) {
        guard version == .v5, reasonCode != .success || !properties.isEmpty else { return }
        buffer.writeInteger(reasonCode.rawValue)
        if !properties.isEmpty { try properties.write(to: &buffer) }
    }
}
