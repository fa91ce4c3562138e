/// What the client reports to its consumer, in order.
public enum MQTTEvent: Sendable, Hashable {
    case message(MQTTMessage)
    case connectionState(MQTTConnectionState)
    /// Messages dropped because the consumer fell behind and the delivery buffer was full.
    /// QoS 0 messages go first; QoS 1/2 only past twice the limit. Acks were sent for all of them.
    case messagesDropped(count: Int)
}
