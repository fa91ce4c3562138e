import NIOCore

/// Splits a byte stream into packets, checking each announced size before waiting for (or allocating) it.
///
/// Feed it the stream as it arrives, in pieces of any size, and take whole packets:
/// ```swift
/// var decoder = MQTTFrameDecoder(version: .v5)
/// decoder.append(&bytesJustRead)
/// while let packet = try decoder.nextPacket() { handle(packet) }
/// ```
public struct MQTTFrameDecoder: Sendable {
    /// The default largest packet accepted from a peer: 16 MiB.
    public static let defaultMaximumPacketSize = 16 * 1024 * 1024
    /// The largest packet the protocol can frame: 268,435,455 bytes after a 5-byte fixed header.
    public static let protocolMaximumPacketSize = 268_435_455 + 5

    /// The protocol version that decides how bodies are read.
    public var version: MQTTProtocolVersion
    /// The largest whole packet (fixed header included) to accept.
    public var maximumPacketSize: Int

    /// Bytes appended and not yet taken as packets.
    private var pending: ByteBuffer?

    /// A decoder for a connection speaking `version`, holding no bytes yet.
    ///
    /// - Parameters:
    ///   - version: the protocol version that decides how bodies are read.
    ///   - maximumPacketSize: the largest whole packet to accept; a larger one is refused from its
    ///     header, before its bytes are buffered.
    public init(version: MQTTProtocolVersion, maximumPacketSize: Int = MQTTFrameDecoder.defaultMaximumPacketSize) {
        self.version = version
        self.maximumPacketSize = maximumPacketSize
    }

    /// Adds bytes read from the stream.
    ///
    /// - Parameter bytes: the read, taken whole.
    public mutating func append(_ bytes: inout ByteBuffer) {
        guard var buffer = pending else {
            pending = bytes
            return
        }
        pending = nil
        // Once per read, not per packet: the packets taken since are dropped from the front.
        buffer.discardReadBytes()
        buffer.writeBuffer(&bytes)
        pending = buffer
    }

    /// The next whole packet from the appended bytes, or nil until more arrive.
    ///
    /// - Throws: `MQTTDecodeError` for bytes that are not a valid packet; the stream cannot go on.
    public mutating func nextPacket() throws(MQTTDecodeError) -> MQTTPacket? {
        guard var buffer = pending else { return nil }
        // Not held twice while the reader moves; and a drained read buffer is let go, so the
        // channel can reuse its memory.
        pending = nil
        defer { if buffer.readableBytes > 0 { pending = buffer } }
        return try next(from: &buffer)
    }

    /// Decodes the next whole packet from `buffer`, or returns nil (consuming nothing) when it is not all there yet.
    ///
    /// - Parameter buffer: bytes from the stream; the packet's bytes are consumed.
    public func next(from buffer: inout ByteBuffer) throws(MQTTDecodeError) -> MQTTPacket? {
        let start = buffer.readerIndex
        guard let firstByte = buffer.getInteger(at: start, as: UInt8.self) else { return nil }
        // Checked before waiting for the body: "HTTP/1.1 400" announces 84 bytes it may never send.
        _ = try MQTTPacket.fixedHeader(firstByte)
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
