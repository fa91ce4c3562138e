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
            } else if state.isDown {
                connectionLost(at: time, broker: broker)
            }
        case .resubscribing: subscriptionsResent(at: time, broker: broker)
        case .subscriptionsRestored: subscriptionsRestored(at: time, broker: broker)
        case .message, .messagesDropped: break
        }
    }
}

extension MQTTConnectionState {
    /// Lost (reconnecting) or closed for good: a broker's topics cannot speak.
    var isDown: Bool {
        switch self {
        case .reconnecting, .closed: return true
        case .idle, .connecting, .connected: return false
        }
    }
}
