/// Why a packet could not be encoded for sending.
public enum MQTTEncodeError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A string or binary field over 65,535 bytes.
    case fieldTooLong(Int)
    /// The whole packet exceeds what the protocol (or the peer's Maximum Packet Size) allows.
    case packetTooLarge(size: Int, limit: Int)
    /// A variable byte integer (a length, a subscription identifier) outside 0...268,435,455.
    case variableByteIntegerOutOfRange(Int)

    /// The failure in one line, with the sizes or value involved.
    public var description: String {
        switch self {
        case let .fieldTooLong(count): return "a field of \(count) bytes exceeds the 65535-byte limit"
        case let .packetTooLarge(size, limit): return "packet of \(size) bytes exceeds the limit of \(limit) bytes"
        case let .variableByteIntegerOutOfRange(value): return "\(value) is outside 0...268435455, the range of a variable byte integer"
        }
    }
}
