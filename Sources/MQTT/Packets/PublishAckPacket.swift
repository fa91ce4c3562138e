import NIOCore

/// PUBACK, PUBREC, PUBREL and PUBCOMP: the steps of the QoS 1 and 2 flows, which share one shape.
public struct PublishAckPacket: Sendable, Hashable {
    /// Which of the four acknowledgement packets this is.
    public enum Kind: Sendable, Hashable {
        /// PUBACK: the receiver's answer to a QoS 1 PUBLISH.
        case puback
        /// PUBREC: the receiver's first answer to a QoS 2 PUBLISH.
        case pubrec
        /// PUBREL: the sender's answer to PUBREC, releasing the message.
        case pubrel
        /// PUBCOMP: the receiver's answer to PUBREL, ending the QoS 2 flow.
        case pubcomp

        var packetType: MQTTPacketType {
            switch self {
            case .puback: return .puback
            case .pubrec: return .pubrec
            case .pubrel: return .pubrel
            case .pubcomp: return .pubcomp
            }
        }

        /// The reason codes the spec allows for this step (3.4.2.1, 3.5.2.1, 3.6.2.1, 3.7.2.1).
        func allows(_ code: MQTTReasonCode) -> Bool {
            switch self {
            case .puback, .pubrec:
                return [0x00, 0x10, 0x80, 0x83, 0x87, 0x90, 0x91, 0x97, 0x99].contains(code.rawValue)
            case .pubrel, .pubcomp:
                return code == .success || code == .packetIdentifierNotFound
            }
        }
    }

    /// Which step of the QoS 1/2 flow this packet is.
    public var kind: Kind
    /// The packet identifier of the PUBLISH this step belongs to.
    public var packetID: UInt16
    /// The v5 outcome of the step (success unless the receiver refused); not sent on 3.1.1.
    public var reasonCode: MQTTReasonCode
    /// The v5 properties (Reason String, user properties).
    public var properties: MQTTProperties

    /// An acknowledgement; a success with no properties encodes as the packet identifier alone.
    public init(_ kind: Kind, packetID: UInt16, reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = []) {
        self.kind = kind
        self.packetID = packetID
        self.reasonCode = reasonCode
        self.properties = properties
    }

    var fixedHeaderFlags: UInt8 { kind.packetType.requiredFlags ?? 0 }

    static func read(_ kind: Kind, from body: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> PublishAckPacket {
        let type = kind.packetType
        let packetID = try body.readMQTTPacketIdentifier(type)
        var reasonCode = MQTTReasonCode.success
        var properties = MQTTProperties()
        if version == .v5, body.readableBytes > 0 {
            reasonCode = MQTTReasonCode(rawValue: try body.readMQTTByte(type))
            guard kind.allows(reasonCode) else { throw .reasonCodeNotAllowed(reasonCode, type) }
            if body.readableBytes > 0 {
                properties = try MQTTProperties.read(from: &body, context: .ack, packet: type)
            }
        }
        try body.mqttExpectFullyRead(type)
        return PublishAckPacket(kind, packetID: packetID, reasonCode: reasonCode, properties: properties)
    }

    func writeBody(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTEncodeError) {
        buffer.writeInteger(packetID)
        guard version == .v5, reasonCode != .success || !properties.isEmpty else { return }
        buffer.writeInteger(reasonCode.rawValue)
        if !properties.isEmpty { try properties.write(to: &buffer) }
    }
}
