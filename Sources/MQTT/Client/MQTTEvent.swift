/// What the client reports to its consumer, in order.
public enum MQTTEvent: Sendable, Hashable {
    /// An application message received from the broker, in arrival order.
    case message(MQTTMessage)
    /// The connection changed state (connecting, connected, reconnecting, closed).
    case connectionState(MQTTConnectionState)
    /// After a reconnect without a session, the client sent its subscriptions again: what the
    /// broker retains follows, each with retain=1 (possibly before the SUBACK).
    case resubscribing
    /// The broker accepted every resent subscription. A consumer that marks retained values can
    /// reconcile against the burst around it; after a refusal this never comes.
    case subscriptionsRestored
    /// Messages dropped because the consumer fell behind and the delivery buffer was full.
    /// QoS 0 messages go first; QoS 1/2 only past twice the limit. Acks were sent for all of them.
    case messagesDropped(count: Int)
}
