import MQTT
import Synchronization

/// The connected client of each broker on screen, for the actions the dashboard asks for (a
/// publish goes to its broker's client); closed once the dashboard ends, so a broker that
/// connects after that is disconnected at once.
final class BrokerClients: Sendable {
    private struct State {
        var clients: [Int: MQTTClient] = [:]
        var isClosed = false
    }

    private let state = Mutex(State())

    /// Keeps `client` as `broker`'s; false when the dashboard has ended (disconnect it).
    func adopt(_ client: MQTTClient, broker: Int) -> Bool {
        state.withLock { state in
            guard !state.isClosed else { return false }
            state.clients[broker] = client
            return true
        }
    }

    func client(of broker: Int) -> MQTTClient? {
        state.withLock { $0.clients[broker] }
    }

    /// Ends adoption and disconnects every client: their events end, and so do their feeds.
    func closeAll() async {
        let clients = state.withLock { state in
            state.isClosed = true
            return Array(state.clients.values)
        }
        for client in clients { await client.disconnect() }
    }
}
