/// What the client reports to its consumer, in order.
public enum MQTTEvent: Sendable, Hashable {
    case message(MQTTMessage)
    case connectionState(MQTTConnectionState)
    /// After a reconnect without a session, the client's subscriptions were made again and the
    /// broker acknowledged them: what it retains follows, each with retain=1. A consumer that marks
    /// retained values can reconcile against that burst.
    case subscriptionsRestored
    /// Messages dropped because the consumer fell behind and the delivery buffer was full.
    /// QoS 0 messages go first; QoS 1/2 only past twice the limit. Acks were sent for all of them.
    case messagesDropped(count: Int)
}
