import MQTT

extension TopicModel {
    /// Follows what the client reports besides messages: staleness counts connected time only,
    /// and the retained state is reconciled against the burst that follows a resubscription.
    /// Messages go through `ingest`.
    public mutating func follow(_ event: MQTTEvent, at time: Double) {
        switch event {
        case let .connectionState(state):
            if state.isConnected {
                connectionRestored(at: time)
            } else if case .reconnecting = state {
                connectionLost(at: time)
            }
        case .resubscribing: subscriptionsResent(at: time)
        case .subscriptionsRestored: subscriptionsRestored(at: time)
        case .message, .messagesDropped: break
        }
    }
}
