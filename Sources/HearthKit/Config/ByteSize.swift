/// A number of bytes as people type it: 65536, 64K, 16M (K and M are 1024 and 1024²).
///
/// The command line reads it through `@Option(transform: ByteSize.parse)`, so a value that is not
/// a size says what one looks like.
public struct ByteSize: Equatable, Sendable {
    public let bytes: Int

    public init(bytes: Int) { self.bytes = bytes }

    /// Parses a whole number with an optional K or M (any case, an optional B or iB after it);
    /// anything else is a `ConfigurationError`.
    public static func parse(_ argument: String) throws -> ByteSize {
        var digits = Substring(argument.uppercased())
        for suffix in ["IB", "B"] where digits.hasSuffix(suffix) { digits = digits.dropLast(suffix.count); break }
        var scale = 1
        if let last = digits.last, let unit = ["K": 1024, "M": 1024 * 1024][last] {
            scale = unit
            digits = digits.dropLast()
        }
        guard let amount = Int(digits), amount >= 0, amount <= Int.max / scale else {
            throw ConfigurationError("expected a number of bytes, as in 65536, 64K or 16M")
        }
        return ByteSize(bytes: amount * scale)
    }
}
