import MQTT
import MQTTBroker
import Synchronization

/// Which broker a test talks to.
public enum BrokerKind: String, CaseIterable, Sendable, CustomStringConvertible {
    case mosquitto
    /// Hearth's own `MQTTBroker`, in this process.
    case embedded

    public var description: String { rawValue }
}

/// A broker on a free loopback port for one test: a real mosquitto, or the embedded broker.
///
/// ```swift
/// let broker = try await LoopbackBroker.start(.embedded)
/// let client = makeClient(port: broker.port)
/// await broker.stop()
/// ```
public final class LoopbackBroker: Sendable {
    public let kind: BrokerKind
    public let port: Int
    private let mosquitto: Mosquitto?
    private let embedded: Mutex<MQTTBroker?>
    private let configuration: BrokerConfiguration

    private init(kind: BrokerKind, port: Int, mosquitto: Mosquitto?, embedded: MQTTBroker?, configuration: BrokerConfiguration) {
        self.kind = kind
        self.port = port
        self.mosquitto = mosquitto
        self.embedded = Mutex(embedded)
        self.configuration = configuration
    }

    /// Runs `body` with a broker started as `start` does, and stops it (awaited) however `body` ends.
    public static func with<Result>(_ kind: BrokerKind, user: (name: String, password: String)? = nil,
                                    configure: (inout BrokerConfiguration) -> Void = { _ in },
                                    _ body: (LoopbackBroker) async throws -> Result) async throws -> Result {
        let broker = try await start(kind, user: user, configure: configure)
        return try await withCleanup({ try await body(broker) }, cleanup: { await broker.stop() })
    }

    /// Starts a broker; with `user`, clients must log in with that user name and password.
    /// `configure` changes the embedded broker's configuration (mosquitto's is its own).
    public static func start(_ kind: BrokerKind, user: (name: String, password: String)? = nil,
                             configure: (inout BrokerConfiguration) -> Void = { _ in }) async throws -> LoopbackBroker {
        switch kind {
        case .mosquitto:
            let listener: Mosquitto.Listener = user.map { .password(user: $0.name, password: $0.password) } ?? .anonymous
            let mosquitto = try await Mosquitto.start(listeners: [listener])
            return LoopbackBroker(kind: kind, port: mosquitto.port(listener), mosquitto: mosquitto, embedded: nil,
                              configuration: BrokerConfiguration())
        case .embedded:
            var configuration = BrokerConfiguration(port: 0)
            if let user { configuration.users = [user.name: user.password] }
            configure(&configuration)
            let broker = MQTTBroker(configuration: configuration)
            let port = try await broker.start()
            // A restart (`launch`) comes back on the same port.
            configuration.port = port
            return LoopbackBroker(kind: kind, port: port, mosquitto: nil, embedded: broker, configuration: configuration)
        }
    }

    /// Stops the broker, which keeps nothing: mosquitto is killed as by a crash; the embedded
    /// broker closes its clients.
    public func stop() async {
        await mosquitto?.kill()
        await embedded.withLock { broker in defer { broker = nil }; return broker }?.stop()
    }

    /// Starts a stopped broker again on the same port.
    public func launch() async throws {
        if let mosquitto { return try await mosquitto.launch() }
        // The old connections may still hold the port for a moment (FIN_WAIT, until their clients
        // close their side), as after a real restart: try again for a while.
        let deadline = ContinuousClock.now + .seconds(10)
        while true {
            let broker = MQTTBroker(configuration: configuration)
            do {
                _ = try await broker.start()
                embedded.withLock { $0 = broker }
                return
            } catch {
                await broker.stop()
                guard ContinuousClock.now < deadline else { throw error }
                try await Task.sleep(for: .milliseconds(50))
            }
        }
    }
}
