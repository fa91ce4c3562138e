/// Messages per second over a sliding window of whole seconds, in fixed space.
public struct RateWindow: Sendable {
    /// The window's length in seconds.
    public static let seconds = 10
    /// Per-second counts; a second with more than 65,535 messages on one topic saturates.
    private var counts = (UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0),
                          UInt16(0), UInt16(0), UInt16(0), UInt16(0), UInt16(0))
    /// The second (since 1970) that the newest bucket counts; 32 bits last until 2106.
    private var head: UInt32 = 0
    private var headSecond: Int64 { Int64(head) }

    mutating func record(at time: Double) {
        let second = Int64(time.rounded(.down))
        advance(to: second)
        withUnsafeMutableBytes(of: &counts) { raw in
            let buckets = raw.bindMemory(to: UInt16.self)
            let index = Int(second % Int64(Self.seconds))
            if buckets[index] < UInt16.max { buckets[index] += 1 }
        }
    }

    /// Messages per second over the window ending at `now`.
    public func rate(now: Double) -> Double { Double(total(now: now)) / Double(Self.seconds) }

    private func total(now: Double) -> UInt32 {
        let second = Int64(now.rounded(.down))
        let age = second - headSecond
        guard age < Int64(Self.seconds) else { return 0 }
        return withUnsafeBytes(of: counts) { raw in
            let buckets = raw.bindMemory(to: UInt16.self)
            var sum: UInt32 = 0
            // Buckets older than the window (as seen from `now`) no longer count.
            for offset in 0..<(Self.seconds - Int(max(0, age))) {
                let index = Int((headSecond - Int64(offset)) % Int64(Self.seconds) + Int64(Self.seconds)) % Self.seconds
                sum &+= UInt32(buckets[index])
            }
            return sum
        }
    }

    private mutating func advance(to second: Int64) {
        guard second > headSecond else { return }
        let steps = min(Int64(Self.seconds), second - headSecond)
        let from = headSecond
        withUnsafeMutableBytes(of: &counts) { raw in
            let buckets = raw.bindMemory(to: UInt16.self)
            for step in 1...steps {
                buckets[Int((from + step) % Int64(Self.seconds))] = 0
            }
        }
        head = UInt32(clamping: second)
    }
}
