import NIOCore

/// Splits a byte stream into packets, checking each announced size before waiting for (or allocating) it.
///
/// ```swift
/// var decoder = MQTTFrameDecoder(version: .v5)
/// while let packet = try decoder.next(from: &buffer) { handle(packet) }
/// ```
public struct MQTTFrameDecoder: Sendable {
    /// The default largest packet accepted from a peer: 16 MiB.
    public static let defaultMaximumPacketSize = 16 * 1024 * 1024

    /// The protocol version that decides how bodies are read.
    public var version: MQTTProtocolVersion
    /// The largest whole packet (fixed header included) to accept.
    public var maximumPacketSize: Int

    public init(version: MQTTProtocolVersion, maximumPacketSize: Int = MQTTFrameDecoder.defaultMaximumPacketSize) {
        self.version = version
        self.maximumPacketSize = maximumPacketSize
    }

    /// Decodes the next whole packet from `buffer`, or returns nil (consuming nothing) when it is not all there yet.
    public func next(from buffer: inout ByteBuffer) throws(MQTTDecodeError) -> MQTTPacket? {
        let start = buffer.readerIndex
        guard let firstByte = buffer.getInteger(at: start, as: UInt8.self) else { return nil }
        var header = buffer
        header.moveReaderIndex(forwardBy: 1)
        // 3.1.1 does not require the minimal encoding; v5 does [MQTT-1.5.5-1].
        guard let length = try header.readMQTTVariableByteInteger(strict: version == .v5) else { return nil }
        let headerSize = header.readerIndex - start
        let total = headerSize + length
        guard total <= maximumPacketSize else { throw .packetTooLarge(size: total, limit: maximumPacketSize) }
        guard var body = header.readSlice(length: length) else { return nil }
        buffer.moveReaderIndex(forwardBy: total)
        return try MQTTPacket.read(firstByte: firstByte, body: &body, version: version)
    }
}
