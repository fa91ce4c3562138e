/// A stored payload: up to 8 bytes inline, a longer one in an array.
///
/// Most of a home's payloads are short ("ON", "21.5", "online"). Inline, a million topics'
/// newest values and their histories need no allocation each, which a `[UInt8]` of any length
/// costs (about 48 bytes of heap for 8 bytes of payload).
enum PayloadBytes: Sendable, Hashable {
    /// The bytes in the low end of the word, first byte lowest; the count is the message's.
    case inline(UInt64, count: UInt8)
    case array([UInt8])

    static let inlineCapacity = 8

    /// A long array is kept as it is, not copied.
    init(_ bytes: [UInt8]) {
        self = bytes.count > Self.inlineCapacity ? .array(bytes) : Self(inlining: bytes)
    }

    init(_ bytes: some Collection<UInt8>) {
        self = bytes.count > Self.inlineCapacity ? .array(Array(bytes)) : Self(inlining: bytes)
    }

    private init(inlining bytes: some Collection<UInt8>) {
        var word: UInt64 = 0
        for (offset, byte) in bytes.enumerated() { word |= UInt64(byte) << (8 * offset) }
        self = .inline(word, count: UInt8(bytes.count))
    }

    var count: Int {
        switch self {
        case let .inline(_, count): Int(count)
        case let .array(bytes): bytes.count
        }
    }

    var array: [UInt8] {
        switch self {
        case let .inline(word, count): (0..<Int(count)).map { UInt8(truncatingIfNeeded: word >> (8 * $0)) }
        case let .array(bytes): bytes
        }
    }

    /// Whether these are the bytes of `other`, without building an array.
    func equals(_ other: [UInt8]) -> Bool {
        switch self {
        case let .array(bytes): return bytes == other
        case let .inline(word, count):
            guard other.count == Int(count) else { return false }
            return other.indices.allSatisfy { UInt8(truncatingIfNeeded: word >> (8 * $0)) == other[$0] }
        }
    }
}
