import NIOCore

// MARK: - Variable byte integers

extension ByteBuffer {
    /// The largest value a 4-byte variable byte integer can hold.
    static let maxVariableByteInteger = 268_435_455

    /// Reads a variable byte integer, or returns nil (consuming nothing) when more bytes are needed.
    ///
    /// Throws when a fifth byte would be needed, or (`strict`) when the encoding is not minimal.
    mutating func readMQTTVariableByteInteger(strict: Bool) throws(MQTTDecodeError) -> Int? {
        guard let (value, length) = try Self.peekVariableByteInteger(in: self, strict: strict) else { return nil }
        moveReaderIndex(forwardBy: length)
        return value
    }

    /// The value and encoded length of the variable byte integer at the reader index.
    private static func peekVariableByteInteger(
        in buffer: ByteBuffer, strict: Bool
    ) throws(MQTTDecodeError) -> (Int, Int)? {
        var value = 0
        var multiplier = 1
        for offset in 0..<4 {
            guard let byte = buffer.getInteger(at: buffer.readerIndex + offset, as: UInt8.self) else { return nil }
            value += Int(byte & 0x7F) * multiplier
            if byte & 0x80 == 0 {
                // A last byte of 0 after the first means a shorter encoding existed.
                if strict, offset > 0, byte == 0 { throw .nonMinimalVariableByteInteger }
                return (value, offset + 1)
            }
            multiplier *= 128
        }
        throw .remainingLengthTooLong
    }

    /// Writes `value` (0...268,435,455) as a minimal variable byte integer; any other value is
    /// refused with an error (it can come from a caller's property), never a trap.
    @discardableResult
    mutating func writeMQTTVariableByteInteger(_ value: Int) throws(MQTTEncodeError) -> Int {
        guard value >= 0, value <= Self.maxVariableByteInteger else { throw .variableByteIntegerOutOfRange(value) }
        var remaining = value
        var written = 0
        repeat {
            var byte = UInt8(remaining & 0x7F)
            remaining >>= 7
            if remaining > 0 { byte |= 0x80 }
            writeInteger(byte)
            written += 1
        } while remaining > 0
        return written
    }

    /// The number of bytes `value` takes as a variable byte integer.
    static func mqttVariableByteIntegerSize(_ value: Int) -> Int {
        switch value {
        case ..<128: return 1
        case ..<16_384: return 2
        case ..<2_097_152: return 3
        default: return 4
        }
    }
}

// MARK: - Fields inside a packet body (all reads throw `truncated` on a short body)

extension ByteBuffer {
    mutating func readMQTTByte(_ type: MQTTPacketType) throws(MQTTDecodeError) -> UInt8 {
        guard let value = readInteger(as: UInt8.self) else { throw .truncated(type) }
        return value
    }

    mutating func readMQTTUInt16(_ type: MQTTPacketType) throws(MQTTDecodeError) -> UInt16 {
        guard let value = readInteger(as: UInt16.self) else { throw .truncated(type) }
        return value
    }

    mutating func readMQTTUInt32(_ type: MQTTPacketType) throws(MQTTDecodeError) -> UInt32 {
        guard let value = readInteger(as: UInt32.self) else { throw .truncated(type) }
        return value
    }

    /// Reads a non-zero packet identifier.
    mutating func readMQTTPacketIdentifier(_ type: MQTTPacketType) throws(MQTTDecodeError) -> UInt16 {
        let id = try readMQTTUInt16(type)
        guard id != 0 else { throw .zeroPacketIdentifier }
        return id
    }

    /// Reads two-byte-length-prefixed binary data.
    mutating func readMQTTBinary(_ type: MQTTPacketType) throws(MQTTDecodeError) -> [UInt8] {
        let length = Int(try readMQTTUInt16(type))
        guard let bytes = readBytes(length: length) else { throw .truncated(type) }
        return bytes
    }

    /// Reads a length-prefixed UTF-8 string: well-formed, with no U+0000 [MQTT-1.5.4-1/2].
    mutating func readMQTTString(_ type: MQTTPacketType) throws(MQTTDecodeError) -> String {
        let length = Int(try readMQTTUInt16(type))
        guard let view = readSlice(length: length) else { throw .truncated(type) }
        return try view.mqttValidatedString()
    }

    /// Reads a variable byte integer inside a body, where running out of bytes means truncation.
    mutating func readMQTTBodyVariableInteger(_ type: MQTTPacketType, strict: Bool) throws(MQTTDecodeError) -> Int {
        guard let value = try readMQTTVariableByteInteger(strict: strict) else { throw .truncated(type) }
        return value
    }

    /// The readable bytes as a String, when they are well-formed UTF-8 without U+0000.
    func mqttValidatedString() throws(MQTTDecodeError) -> String {
        let string: String? = withUnsafeReadableBytes { raw in
            if raw.contains(0) { return nil }
            return String(validating: raw, as: UTF8.self)
        }
        guard let string else { throw .malformedUTF8 }
        return string
    }

    mutating func writeMQTTString(_ string: String) throws(MQTTEncodeError) {
        let count = string.utf8.count
        guard count <= UInt16.max else { throw .fieldTooLong(count) }
        writeInteger(UInt16(count))
        writeString(string)
    }

    mutating func writeMQTTBinary(_ bytes: [UInt8]) throws(MQTTEncodeError) {
        guard bytes.count <= UInt16.max else { throw .fieldTooLong(bytes.count) }
        writeInteger(UInt16(bytes.count))
        writeBytes(bytes)
    }
}
