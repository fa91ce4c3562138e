import Dashboard
import HearthKit
import MQTT

/// Runs what the dashboard asks of the client, off the UI thread, and reports back through the inbox.
struct ActionRunner: Sendable {
    let clients: BrokerClients
    let inbox: DashboardInbox

    func publish(_ request: PublishRequest) {
        Task {
            do {
                guard let client = clients.client(of: request.broker) else { throw ActionError.notConnected }
                try await client.publish(to: request.topic, payload: request.payload, qos: request.qos, retain: request.retain)
                inbox.post(.published(topic: request.topic, error: nil))
            } catch {
                inbox.post(.published(topic: request.topic, error: "\(error)"))
            }
        }
    }

    /// Clears retained values one by one at QoS 1, so each is confirmed before progress moves on.
    func clear(_ topics: [String], broker: Int) {
        Task {
            for (index, topic) in topics.enumerated() {
                do {
                    guard let client = clients.client(of: broker) else { throw ActionError.notConnected }
                    try await client.publish(to: topic, payload: [], qos: .atLeastOnce, retain: true)
                } catch {
                    inbox.post(.cleared(done: index, total: topics.count, error: "\(topic): \(error)"))
                    return
                }
                if index % 50 == 49 || index == topics.count - 1 {
                    inbox.post(.cleared(done: index + 1, total: topics.count, error: nil))
                }
            }
        }
    }
}

/// Why an action could not start.
enum ActionError: Error, CustomStringConvertible {
    /// Its broker has not connected yet.
    case notConnected

    var description: String { "the broker is not connected" }
}
