import HearthKit
import MQTT

/// The headless commands over several brokers: one session each, at the same time. A broker
/// that fails is a warning at once while the others go on; only every broker failing is an error.
enum SeveralBrokers {
    /// Runs `body` on each broker's connected client (with the broker's number); its result is
    /// why the connection closed on its own, if it did.
    static func run(_ sessions: [(name: String, session: Session)],
                    _ body: @escaping @Sendable (Int, MQTTClient) async -> MQTTClientError?) async throws {
        let failed = await withTaskGroup(of: Bool.self) { group in
            for (index, broker) in sessions.enumerated() {
                group.addTask {
                    do {
                        guard let failure = try await broker.session.run({ client, _ in await body(index, client) }) else { return false }
                        Diagnostics.warn("\(broker.name): \(failure)")
                    } catch {
                        Diagnostics.warn("\(broker.name): \(error)")
                    }
                    return true
                }
            }
            return await group.reduce(0) { $0 + ($1 ? 1 : 0) }
        }
        // Each failure was said as it happened.
        if failed == sessions.count { throw EveryBrokerFailed(lines: []) }
    }
}
