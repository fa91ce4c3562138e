import HearthKit
import MQTT

/// The headless commands over several brokers: one session each, at the same time. A broker
/// that fails is a warning at once while the others go on; only every broker failing is an error.
enum SeveralBrokers {
    /// Runs `body` on each broker's connected client (with the broker's number); its result is
    /// why the connection closed on its own, if it did. Returns why each broker that failed did,
    /// by name.
    @discardableResult
    static func run(_ sessions: [(name: String, session: Session)],
                    _ body: @escaping @Sendable (Int, MQTTClient) async -> MQTTClientError?) async throws -> [String: String] {
        let failures = await withTaskGroup(of: (String, String)?.self) { group in
            for (index, broker) in sessions.enumerated() {
                group.addTask {
                    let reason: String
                    do {
                        guard let failure = try await broker.session.run({ client, _ in await body(index, client) }) else { return nil }
                        reason = describe(failure, username: broker.session.configuration.username)
                    } catch {
                        reason = describe(error, username: broker.session.configuration.username)
                    }
                    Diagnostics.warn("\(broker.name): \(reason)")
                    return (broker.name, reason)
                }
            }
            var failures: [String: String] = [:]
            for await case let (name, reason)? in group { failures[name] = reason }
            return failures
        }
        // Each failure was said as it happened.
        if failures.count == sessions.count { throw EveryBrokerFailed(lines: []) }
        return failures
    }

    /// An error with the hint a single broker's would get ("check the user name …").
    static func describe(_ error: any Error, username: String?) -> String {
        guard let error = error as? MQTTClientError, let hint = ConnectionHint.hint(for: error, username: username) else { return "\(error)" }
        return "\(error); \(hint)"
    }
}

/// Every broker failed its first attempt: one line each.
struct EveryBrokerFailed: Error, CustomStringConvertible {
    let lines: [String]
    var description: String { "no broker could be reached: " + lines.joined(separator: "; ") }
}
