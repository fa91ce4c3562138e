import MQTT

/// Everything the model keeps for one topic (a path that received messages).
public struct TopicRecord: Sendable {
    public let node: NodeID
    /// The newest message.
    public internal(set) var last: StoredMessage
    /// Older messages, newest last (bounded by count and bytes).
    public internal(set) var history = MessageHistory()
    public internal(set) var retained: RetainedState = .none
    /// The retained value still held while a newer live value is shown (state `.held`).
    public internal(set) var heldRetained: Box<StoredMessage>?
    public internal(set) var messageCount = 0
    public let firstSeen: Double
    var rate = RateWindow()
    /// Numeric series, created once the topic has sent numbers twice.
    public internal(set) var series: SeriesSet?

    /// Messages per second over the last ten seconds.
    public func rate(now: Double) -> Double { rate.rate(now: now) }

    /// All messages kept, oldest first (history, then the newest).
    public var messages: [StoredMessage] { Array(history.messages) + [last] }
}

/// A heap box, so a rarely-set large value costs one pointer inline.
public final class Box<Value: Sendable>: Sendable {
    public let value: Value
    init(_ value: Value) { self.value = value }
}
