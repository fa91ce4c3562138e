import MQTT

extension TopicModel {
    /// Follows what the client reports besides messages: staleness counts connected time only,
    /// and the retained state is reconciled against the burst that follows a resubscription.
    /// Messages go through `ingest`.
    public mutating func follow(_ event: MQTTEvent, at time: Double, broker: Int = 0) {
        switch event {
        case let .connectionState(state):
            if state.isConnected {
                connectionRestored(at: time, broker: broker)
            } else if case .reconnecting = state {
                connectionLost(at: time, broker: broker)
            }
            // Closed for good is the end of the run: a burst still settling is kept for the last
            // refresh.
        case .resubscribing: subscriptionsResent(at: time, broker: broker)
        case .subscriptionsRestored: subscriptionsRestored(at: time, broker: broker)
        case .message, .messagesDropped: break
        }
    }
}
