import MQTTBroker

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
/// let broker = try await TestBroker.start(.embedded)
/// let client = makeClient(port: broker.port)
/// await broker.stop()
/// ```
public final class TestBroker: Sendable {
    public let kind: BrokerKind
    public let port: Int
    private let mosquitto: Mosquitto?
    private let embedded: MQTTBroker?

    private init(kind: BrokerKind, port: Int, mosquitto: Mosquitto?, embedded: MQTTBroker?) {
        self.kind = kind
        self.port = port
        self.mosquitto = mosquitto
        self.embedded = embedded
    }

    /// Starts a broker; with `user`, clients must log in with that user name and password.
    public static func start(_ kind: BrokerKind, user: (name: String, password: String)? = nil) async throws -> TestBroker {
        switch kind {
        case .mosquitto:
            let listener: Mosquitto.Listener = user.map { .password(user: $0.name, password: $0.password) } ?? .anonymous
            let mosquitto = try await Mosquitto.start(listeners: [listener])
            return TestBroker(kind: kind, port: mosquitto.port(listener), mosquitto: mosquitto, embedded: nil)
        case .embedded:
            var configuration = BrokerConfiguration(port: 0)
            if let user { configuration.users = [user.name: user.password] }
            let broker = MQTTBroker(configuration: configuration)
            return TestBroker(kind: kind, port: try await broker.start(), mosquitto: nil, embedded: broker)
        }
    }

    public func stop() async {
        await mosquitto?.kill()
        await embedded?.stop()
    }
}
