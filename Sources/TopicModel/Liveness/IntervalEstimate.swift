/// A topic's usual interval: the median of its last 16 gaps between messages, once it has 3.
///
/// Gaps are kept as 16-bit floats (3 significant digits, at most 65,504 s, about 18 h) in fixed
/// space, so every topic can learn without an allocation.
public struct IntervalEstimate: Sendable {
    public static let capacity = 16
    public static let minimumGaps = 3
    /// A gap longer than a half-precision float holds is kept as the longest it holds.
    static let longestGap = 65_504.0

    private var gaps: (UInt64, UInt64, UInt64, UInt64) = (0, 0, 0, 0)
    /// Gaps recorded, wrapping from 255 back to `capacity`: the ring's next slot is this modulo
    /// `capacity`. One byte for both, because every topic has an estimate.
    private var written: UInt8 = 0

    /// Gaps held, up to `capacity`.
    public var count: UInt8 { min(written, UInt8(Self.capacity)) }

    public init() {}

    mutating func record(_ gap: Double) {
        let value = Float16(min(max(0, gap), Self.longestGap))
        withUnsafeMutableBytes(of: &gaps) { raw in
            raw.bindMemory(to: Float16.self)[Int(written) % Self.capacity] = value
        }
        // 255 is slot 15, so slot 0 follows as 16, still a full ring.
        written = written == .max ? UInt8(Self.capacity) : written + 1
    }

    /// The median gap in seconds, or nil with fewer than three gaps.
    public var interval: Double? {
        guard count >= UInt8(Self.minimumGaps) else { return nil }
        let held = Int(count)
        // Sorted on the stack: every message asks, and an array would be an allocation each.
        return withUnsafeTemporaryAllocation(of: Double.self, capacity: Self.capacity) { values in
            withUnsafeBytes(of: gaps) { raw in
                let gaps = raw.bindMemory(to: Float16.self)
                for index in 0..<held {
                    // Insertion sort: at most sixteen values.
                    let value = Double(gaps[index])
                    var slot = index
                    while slot > 0, values[slot - 1] > value {
                        values[slot] = values[slot - 1]
                        slot -= 1
                    }
                    values[slot] = value
                }
            }
            let middle = held / 2
            return held % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2
        }
    }

    /// The silence after which a topic with this interval is stale: 3 intervals, and at least a minute more than one.
    public static func staleAfter(interval: Double) -> Double { max(3 * interval, interval + 60) }
}
