/// Counters the broker publishes under `$SYS/broker/...`.
public struct BrokerStatistics: Sendable, Equatable {
    public var clientsConnected = 0
    /// Sessions, connected or kept for an absent client.
    public var sessions = 0
    public var messagesReceived = 0
    public var messagesSent = 0
    public var retainedMessages = 0
    /// Messages not delivered because a client's outgoing queue was full or its socket backed up.
    public var messagesDropped = 0
    public var uptimeSeconds = 0
    /// 5.0 wills waiting out their delay.
    public var delayedWills = 0
}
