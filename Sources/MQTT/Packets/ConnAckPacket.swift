import NIOCore

/// CONNACK: the server's answer to CONNECT.
public struct ConnAckPacket: MQTTPacketCoding, Hashable {
    static let packetType = MQTTPacketType.connack

    /// Whether the broker resumed a session it kept for this client.
    public var sessionPresent: Bool
    /// The v5 reason code; 3.1.1 return codes are mapped onto it.
    public var reasonCode: MQTTReasonCode
    /// The v5 CONNACK properties (the broker's limits and assignments); empty on 3.1.1.
    public var properties: MQTTProperties

    /// A CONNACK; for 3.1.1 the reason code becomes a return code (3, server unavailable, if it has none).
    public init(sessionPresent: Bool = false, reasonCode: MQTTReasonCode = .success, properties: MQTTProperties = []) {
        self.sessionPresent = sessionPresent
        self.reasonCode = reasonCode
        self.properties = properties
    }

    /// 3.1.1 return codes 0-5 and the v5 reason codes they became.
    private static let v311Codes: [MQTTReasonCode] = [
        .success, .unsupportedProtocolVersion, .clientIdentifierNotValid,
        .serverUnavailable, .badUsernameOrPassword, .notAuthorized,
    ]

    static func read(from body: inout ByteBuffer, flags _: UInt8, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> ConnAckPacket {
        let ackFlags = try body.readMQTTByte(.connack)
        guard ackFlags & 0xFE == 0 else { throw .reservedFlagSet(.connack) }
        let code = try body.readMQTTByte(.connack)
        // A 3.1.1-only server answers a v5 CONNECT with a two-byte CONNACK; read it as 3.1.1 so
        // the client can see "unsupported protocol version" and fall back.
        if version == .v311 || body.readableBytes == 0 {
            guard Int(code) < v311Codes.count else { throw .invalidReturnCode(code, .connack) }
            try body.mqttExpectFullyRead(.connack)
            return ConnAckPacket(sessionPresent: ackFlags & 1 != 0, reasonCode: v311Codes[Int(code)])
        }
        let properties = try MQTTProperties.read(from: &body, context: .connack, packet: .connack)
        try body.mqttExpectFullyRead(.connack)
        return ConnAckPacket(sessionPresent: ackFlags & 1 != 0, reasonCode: MQTTReasonCode(rawValue: code),
                             properties: properties)
    }

    func writeBody(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTEncodeError) {
        buffer.writeInteger(UInt8(sessionPresent ? 1 : 0))
        if version == .v5 {
            buffer.writeInteger(reasonCode.rawValue)
            try properties.write(to: &buffer)
        } else {
            let code = Self.v311Codes.firstIndex(of: reasonCode) ?? 3  // anything else: server unavailable
            buffer.writeInteger(UInt8(code))
        }
    }
}
