import NIOCore

/// A control packet's variable header and payload: each packet struct reads and writes its own body.
protocol MQTTPacketCoding: Sendable {
    static var packetType: MQTTPacketType { get }
    /// The low nibble of the fixed header.
    var fixedHeaderFlags: UInt8 { get }
    /// Reads the body, which holds exactly the packet's remaining length.
    static func read(from body: inout ByteBuffer, flags: UInt8, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> Self
    func writeBody(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTEncodeError)
}

extension MQTTPacketCoding {
    var fixedHeaderFlags: UInt8 { Self.packetType.requiredFlags ?? 0 }
}

extension ByteBuffer {
    /// Fails when a packet body has bytes its fields did not account for.
    func mqttExpectFullyRead(_ type: MQTTPacketType) throws(MQTTDecodeError) {
        if readableBytes > 0 { throw .trailingBytes(type) }
    }
}
