import Dashboard
import Foundation
import HearthKit
import Logging
import MQTT

extension DashboardRunner {
    /// Keeps one broker of several connected for as long as the dashboard runs: connects,
    /// subscribes and feeds the shared model as broker `index`. A first attempt that fails is
    /// tried again after a growing wait, unless the broker refused (a login, TLS): that is its
    /// row's news, and it waits for the user.
    func keepConnected(_ index: Int, _ broker: Broker, model: SharedModel, links: BrokerLinks, clients: BrokerClients,
                       inbox: DashboardInbox) async {
        var configuration = broker.configuration
        configuration.overflow = .pauseReading
        configuration.logger = Logger(label: "hearth", factory: { _ in SwiftLogNoOpLogHandler() })
        let session = Session(configuration: configuration, filters: broker.filters, qos: qos, retainAsPublished: true) { warning in
            inbox.post(.note("\(broker.name): \(warning)", isError: true))
        }
        let name = broker.name
        func post(_ status: ConnectionStatus, failure: String? = nil) {
            links.update(index, status, failure: failure)
            inbox.post(.link(index, status))
        }
        var attempt = 0
        var downSince: Double?
        while !Task.isCancelled {
            do {
                try await session.run { client, info in
                    guard clients.adopt(client, broker: index) else { return }
                    downSince = nil
                    post(ConnectionStatus(broker: name, phase: .connected, version: info.version.description))
                    await model.feed(client.events.batches, broker: index) { news in
                        if case let .connection(state, now, down) = news {
                            post(Self.status(state, broker: name, now: now, downSince: down))
                        }
                        inbox.wakeup.signal()
                    }
                }
                return
            } catch {
                let now = Date().timeIntervalSince1970
                downSince = downSince ?? now
                // The first failure, when every broker fails, is said with a single broker's hint.
                let failure = SeveralBrokers.describe(error, username: configuration.username)
                if let error = error as? MQTTClientError, Self.isRefusal(error) {
                    post(ConnectionStatus(broker: name, phase: .failed("\(error)"), downSince: downSince), failure: failure)
                    return
                }
                attempt += 1
                let delay = configuration.reconnect.delay(forAttempt: attempt)
                post(ConnectionStatus(broker: name, phase: .reconnecting(retryAt: now + delay / .seconds(1), lastError: "\(error)"),
                                      downSince: downSince), failure: failure)
                try? await Task.sleep(for: delay)
            }
        }
    }

    /// A refusal that trying again will not change: the login, the client id or a ban, or TLS.
    /// A broker that is busy or unavailable is tried again.
    static func isRefusal(_ error: MQTTClientError) -> Bool {
        switch error {
        case let .connectionRefused(code, _):
            return [.badUsernameOrPassword, .notAuthorized, .banned, .clientIdentifierNotValid, .unsupportedProtocolVersion].contains(code)
        case .tls: return true
        default: return false
        }
    }
}
