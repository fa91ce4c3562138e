/// How much history a store keeps.
public struct Retention: Sendable, Hashable {
    /// Raw messages and points this old go (7 days by default).
    public var raw: Double
    /// Per-minute aggregates this old go (400 days by default).
    public var minutes: Double
    /// Beyond this many bytes in use, the oldest messages and points go too (1 GiB).
    public var maximumBytes: Int

    /// No cap on the bytes in use (a database's default: its days hold every broker's past).
    public static let noSizeCap = 1 << 62

    public init(raw: Double = 7 * 86_400, minutes: Double = 400 * 86_400, maximumBytes: Int = 1 << 30) {
        self.raw = raw
        self.minutes = minutes
        self.maximumBytes = maximumBytes
    }

    /// As a store keeps it: one number per setting.
    package var settings: [(name: String, value: Double)] {
        [("retention.raw", raw), ("retention.minutes", minutes), ("retention.maximumBytes", Double(maximumBytes))]
    }

    /// Read back from a store's settings; nil when none were saved.
    package init?(settings: [String: Double]) {
        guard let raw = settings["retention.raw"], let minutes = settings["retention.minutes"],
              let bytes = settings["retention.maximumBytes"] else { return nil }
        self.init(raw: raw, minutes: minutes, maximumBytes: Int(exactly: bytes.rounded()) ?? Retention().maximumBytes)
    }
}
