import NIOCore
import NIOPosix

// MARK: - Scoped use: the connection and the subscription end with the scope

extension MQTTClient {
    /// Connects, runs `body`, then disconnects, also when `body` throws or is cancelled.
    ///
    /// ```swift
    /// try await MQTTClient.withConnection(configuration) { client, info in
    ///     try await client.publish(to: "home/door", payload: Array("open".utf8), qos: .atLeastOnce)
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - configuration: the broker to reach and how.
    ///   - eventLoopGroup: where the client's channel runs.
    ///   - body: the work to do while connected; it gets the client and what CONNACK granted.
    /// - Returns: what `body` returns.
    /// - Throws: `MQTTClientError` when the first connection fails, or what `body` throws.
    public static func withConnection<Result>(
        _ configuration: MQTTClientConfiguration,
        eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton,
        _ body: (MQTTClient, MQTTConnectionInfo) async throws -> Result
    ) async throws -> Result {
        try await MQTTClient(configuration: configuration, eventLoopGroup: eventLoopGroup).withConnection(body)
    }

    /// Connects this client, runs `body`, then disconnects, also when `body` throws.
    package nonisolated func withConnection<Result>(_ body: (MQTTClient, MQTTConnectionInfo) async throws -> Result) async throws -> Result {
        let info = try await connect()
        return try await withCleanup({ try await body(self, info) }, cleanup: { await self.disconnect() })
    }

    /// Subscribes, runs `body` with the broker's answer and the events, then unsubscribes (when
    /// still connected), also when `body` throws.
    ///
    /// ```swift
    /// try await client.withSubscription([MQTTSubscription("home/#")]) { codes, events in
    ///     for await event in events { ... }
    /// }
    /// ```
    ///
    /// - Parameters:
    ///   - subscriptions: the filters and their options.
    ///   - body: the work to do while subscribed; it gets one reason code per subscription, in
    ///     order, and the client's events (one consumer at a time).
    /// - Returns: what `body` returns.
    /// - Throws: `MQTTClientError` when the SUBSCRIBE fails, or what `body` throws.
    public nonisolated func withSubscription<Result>(
        _ subscriptions: [MQTTSubscription],
        _ body: ([MQTTReasonCode], MQTTEventStream) async throws -> Result
    ) async throws -> Result {
        let codes = try await subscribe(subscriptions)
        let granted = zip(subscriptions, codes).filter { $0.1.isSuccess }.map(\.0.filter)
        return try await withCleanup({ try await body(codes, events) }, cleanup: {
            // In a task of its own, so a cancelled body still gets its UNSUBSCRIBE.
            await Task { await self.endSubscriptions(granted) }.value
        })
    }

    /// The scope of some subscriptions ended: they are forgotten at once (never made again after
    /// a reconnect), and undone at the broker when connected.
    private func endSubscriptions(_ filters: [String]) async {
        guard !filters.isEmpty else { return }
        for filter in filters { subscriptions.removeValue(forKey: filter) }
        guard machine.info != nil else { return }
        _ = try? await unsubscribe(filters)
    }
}

/// Runs `body`, then `cleanup` (awaited) however `body` ends: the shape of every scoped API here
/// and of the test fixtures.
package func withCleanup<Result>(_ body: () async throws -> Result, cleanup: () async -> Void) async throws -> Result {
    let result: Result
    do {
        result = try await body()
    } catch {
        await cleanup()
        throw error
    }
    await cleanup()
    return result
}
