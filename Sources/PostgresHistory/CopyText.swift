import NIOCore

/// Rows in `COPY … FROM STDIN`'s text format: tab-separated fields, `\N` for NULL, bytea as
/// `\\x` and hex (the backslash itself escaped), one row a line.
struct CopyText {
    private(set) var buffer: ByteBuffer

    init(capacity: Int) {
        buffer = ByteBufferAllocator().buffer(capacity: capacity)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    mutating func field(_ value: Int64) {
        buffer.writeString(String(value))
        buffer.writeInteger(UInt8(ascii: "\t"))
    }

    mutating func field(_ value: Int) { field(Int64(value)) }

    /// A double as Swift prints it: the shortest text that reads back as the same number.
    mutating func field(_ value: Double?) {
        if let value { buffer.writeString(value.description) } else { writeNull() }
        buffer.writeInteger(UInt8(ascii: "\t"))
    }

    mutating func field(_ value: Bool) {
        buffer.writeInteger(UInt8(ascii: value ? "t" : "f"))
        buffer.writeInteger(UInt8(ascii: "\t"))
    }

    mutating func field(bytes: (some Collection<UInt8>)?) {
        if let bytes {
            buffer.writeStaticString("\\\\x")
            buffer.reserveCapacity(minimumWritableBytes: bytes.count * 2)
            for byte in bytes {
                buffer.writeInteger(Self.hex[Int(byte >> 4)])
                buffer.writeInteger(Self.hex[Int(byte & 0x0F)])
            }
        } else {
            writeNull()
        }
        buffer.writeInteger(UInt8(ascii: "\t"))
    }

    /// Ends the row: the last field's tab becomes the newline.
    mutating func endRow() {
        buffer.moveWriterIndex(to: buffer.writerIndex - 1)
        buffer.writeInteger(UInt8(ascii: "\n"))
    }

    mutating func clear() { buffer.clear() }

    private mutating func writeNull() { buffer.writeStaticString("\\N") }
}
