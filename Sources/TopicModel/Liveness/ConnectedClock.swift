/// Time that counts only while Hearth is connected: a topic cannot go quiet while nobody listens.
///
/// ```swift
/// var clock = ConnectedClock()
/// clock.lose(at: 100)
/// clock.restore(at: 130)
/// clock.connected(at: 140)   // 110: the 30 s offline do not count
/// ```
public struct ConnectedClock: Sendable, Hashable {
    /// Seconds spent disconnected before the current connection.
    private var offlineTotal = 0.0
    /// When the connection was lost, while it is down.
    public private(set) var offlineSince: Double?

    public init() {}

    public var isConnected: Bool { offlineSince == nil }

    /// Connected seconds at wall time `time` (seconds since 1970), less all time spent offline.
    public func connected(at time: Double) -> Double {
        time - offlineTotal - (offlineSince.map { max(0, time - $0) } ?? 0)
    }

    /// The wall time at which the connected clock reads `connected`, while connected.
    func wallTime(atConnected connected: Double) -> Double { connected + offlineTotal }

    mutating func lose(at time: Double) {
        if offlineSince == nil { offlineSince = time }
    }

    mutating func restore(at time: Double) {
        guard let since = offlineSince else { return }
        offlineTotal += max(0, time - since)
        offlineSince = nil
    }
}
