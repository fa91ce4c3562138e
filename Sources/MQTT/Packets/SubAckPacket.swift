import NIOCore

/// SUBACK and UNSUBACK: a reason code for each filter of the request, in order.
public struct SubscriptionAckPacket: Sendable, Hashable {
    /// Whether the packet answers a SUBSCRIBE or an UNSUBSCRIBE.
    public enum Kind: Sendable, Hashable {
        /// SUBACK: the answer to SUBSCRIBE, one reason code per filter.
        case suback
        /// UNSUBACK: the answer to UNSUBSCRIBE (with reason codes in v5 only).
        case unsuback
    }

    /// Whether this is a SUBACK or an UNSUBACK.
    public var kind: Kind
    /// The packet identifier of the SUBSCRIBE or UNSUBSCRIBE this answers.
    public var packetID: UInt16
    /// One per filter. A 3.1.1 UNSUBACK carries none.
    public var reasonCodes: [MQTTReasonCode]
    /// The v5 properties (Reason String, user properties).
    public var properties: MQTTProperties

    /// A SUBACK or UNSUBACK with one reason code per filter of the request.
    public init(_ kind: Kind, packetID: UInt16, reasonCodes: [MQTTReasonCode], properties: MQTTProperties = []) {
        self.kind = kind
        self.packetID = packetID
        self.reasonCodes = reasonCodes
        self.properties = properties
    }

    var packetType: MQTTPacketType { kind == .suback ? .suback : .unsuback }

    static func read(_ kind: Kind, from body: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> SubscriptionAckPacket {
        let type: MQTTPacketType = kind == .suback ? .suback : .unsuback
        let packetID = try body.readMQTTPacketIdentifier(type)
        let properties = version == .v5
            ? try MQTTProperties.read(from: &body, context: kind == .suback ? .suback : .unsuback, packet: type) : []
        var codes: [MQTTReasonCode] = []
        while let byte = body.readInteger(as: UInt8.self) {
            // 3.1.1 SUBACK allows 0, 1, 2 and 0x80 only [MQTT-3.9.3-2].
            if version == .v311, byte > 2, byte != 0x80 {
                throw .invalidReturnCode(byte, .suback)
            }
            codes.append(MQTTReasonCode(rawValue: byte))
        }
        if kind == .suback || version == .v5, codes.isEmpty {
            throw .noReasonCodes(type)
        }
        return SubscriptionAckPacket(kind, packetID: packetID, reasonCodes: codes, properties: properties)
    }

    func writeBody(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTEncodeError) {
        buffer.writeInteger(packetID)
        if version == .v5 { try properties.write(to: &buffer) }
        if kind == .unsuback, version == .v311 { return }
        for code in reasonCodes { buffer.writeInteger(code.rawValue) }
    }
}
