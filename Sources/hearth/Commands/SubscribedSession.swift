import MQTT

/// What every subscribing command (`sub`, `tree`, the dashboard) does around its own loop:
/// connect, subscribe, refuse or warn, run the loop, disconnect.
struct SubscribedSession {
    var configuration: MQTTClientConfiguration
    var filters: [String]
    var qos: MQTTQoS
    /// MQTT 5 only: live messages keep the publisher's retain flag.
    var retainAsPublished: Bool
    /// MQTT 5 only: when the broker sends retained messages (the recorder asks only for a new
    /// subscription, so a resumed session does not deliver them again).
    var retainHandling: MQTTSubscription.RetainHandling = .sendAlways

    /// Runs `body` while connected and subscribed; DISCONNECT follows however it ends.
    ///
    /// The subscriptions are not undone at the end: with a persistent session (`-c`) the broker
    /// keeps them and queues for them until the next run, as mosquitto_sub does.
    /// - Throws: when the broker refuses every filter (each refused one is a warning otherwise),
    ///   or what `body` throws.
    func run<Result>(_ body: (MQTTClient, MQTTConnectionInfo) async throws -> Result) async throws -> Result {
        try await MQTTClient.withConnection(configuration) { client, info in
            let codes = try await client.subscribe(filters.map {
                MQTTSubscription($0, qos: qos, retainAsPublished: retainAsPublished && info.version == .v5, retainHandling: retainHandling)
            })
            try Self.refuseOrWarn(filters: filters, codes: codes)
            return try await body(client, info)
        }
    }

    private static func refuseOrWarn(filters: [String], codes: [MQTTReasonCode]) throws {
        let refused = zip(filters, codes).filter { !$0.1.isSuccess }
        guard !refused.isEmpty else { return }
        if refused.count == filters.count, let first = refused.first {
            throw MQTTClientError.subscriptionRefused(filter: first.0, first.1)
        }
        for (filter, code) in refused {
            Diagnostics.warn("\(MQTTClientError.subscriptionRefused(filter: filter, code))")
        }
    }
}

/// How a collecting command reports the connection while it runs: a reconnect is a warning,
/// and a close for good is the run's failure.
struct ConnectionReport {
    private(set) var failure: MQTTClientError?

    mutating func note(_ state: MQTTConnectionState) {
        switch state {
        case .reconnecting: Diagnostics.warn("\(state)")
        case let .closed(error): failure = error
        default: break
        }
    }
}
