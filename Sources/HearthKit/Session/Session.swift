import MQTT

/// One broker: its client, its subscriptions and the connection around whatever reads it.
///
/// Every subscribing command (`sub`, `tree`, `record`, the dashboard) is a session plus a loop
/// over its events: connect, subscribe, refuse or warn, run the loop, disconnect. The client
/// reconnects and resubscribes by itself; `SharedModel.feed` follows that into the model.
public struct Session: Sendable {
    public var configuration: MQTTClientConfiguration
    public var filters: [String]
    public var qos: MQTTQoS
    /// MQTT 5 only: live messages keep the publisher's retain flag.
    public var retainAsPublished: Bool
    /// MQTT 5 only: when the broker sends retained messages (the recorder asks only for a new
    /// subscription, so a resumed session does not deliver them again).
    public var retainHandling: MQTTSubscription.RetainHandling
    /// Where a refused filter is said when others were accepted.
    public var warn: @Sendable (String) -> Void

    public init(configuration: MQTTClientConfiguration, filters: [String], qos: MQTTQoS, retainAsPublished: Bool,
                retainHandling: MQTTSubscription.RetainHandling = .sendAlways,
                warn: @escaping @Sendable (String) -> Void = { Diagnostics.warn($0) }) {
        self.configuration = configuration
        self.filters = filters
        self.qos = qos
        self.retainAsPublished = retainAsPublished
        self.retainHandling = retainHandling
        self.warn = warn
    }

    /// Runs `body` while connected and subscribed; DISCONNECT follows however it ends.
    ///
    /// The subscriptions are not undone at the end: with a persistent session (`-c`) the broker
    /// keeps them and queues for them until the next run, as mosquitto_sub does.
    /// - Throws: when the broker refuses every filter (each refused one is a warning otherwise),
    ///   or what `body` throws.
    public func run<Result>(_ body: (MQTTClient, MQTTConnectionInfo) async throws -> Result) async throws -> Result {
        try await MQTTClient.withConnection(configuration) { client, info in try await subscribed(client, info, body) }
    }

    /// `run` on a client made elsewhere (the in-memory broker's, in tests).
    public func run<Result>(on client: MQTTClient, _ body: (MQTTClient, MQTTConnectionInfo) async throws -> Result) async throws -> Result {
        try await client.withConnection { client, info in try await subscribed(client, info, body) }
    }

    private func subscribed<Result>(_ client: MQTTClient, _ info: MQTTConnectionInfo,
                                    _ body: (MQTTClient, MQTTConnectionInfo) async throws -> Result) async throws -> Result {
        let codes = try await client.subscribe(filters.map {
            MQTTSubscription($0, qos: qos, retainAsPublished: retainAsPublished && info.version == .v5, retainHandling: retainHandling)
        })
        try refuseOrWarn(codes: codes)
        return try await body(client, info)
    }

    private func refuseOrWarn(codes: [MQTTReasonCode]) throws {
        let refused = zip(filters, codes).filter { !$0.1.isSuccess }
        guard !refused.isEmpty else { return }
        if refused.count == filters.count, let first = refused.first {
            throw MQTTClientError.subscriptionRefused(filter: first.0, first.1)
        }
        for (filter, code) in refused {
            warn("\(MQTTClientError.subscriptionRefused(filter: filter, code))")
        }
    }
}

/// How a collecting command reports the connection while it runs: a reconnect is a warning,
/// and a close for good is the run's failure.
public struct ConnectionReport: Sendable {
    public private(set) var failure: MQTTClientError?
    private let warn: @Sendable (String) -> Void

    public init(warn: @escaping @Sendable (String) -> Void = { Diagnostics.warn($0) }) {
        self.warn = warn
    }

    /// Warnings on stderr, led by the broker's name when there are several.
    public init(broker: String?) {
        self.init { warning in Diagnostics.warn((broker.map { "\($0): " } ?? "") + warning) }
    }

    public mutating func note(_ state: MQTTConnectionState) {
        switch state {
        case .reconnecting: warn("\(state)")
        case let .closed(error): failure = error
        default: break
        }
    }
}
