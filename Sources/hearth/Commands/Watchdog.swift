import MQTT
import Synchronization

/// Ends a collecting command: after a time limit, or once messages have stopped for a while.
enum Watchdog {
    /// Disconnects `client` (which ends its event stream) after `limit` seconds, or once no
    /// message has arrived for `quiet`; never before `holdUntil`. Cancel the task to stop watching.
    static func start(client: MQTTClient, limit: Double?, quiet: Duration?, lastMessage: SharedInstant,
                      holdUntil: SharedInstant? = nil) -> Task<Void, Never> {
        let start = ContinuousClock.now
        let limit = limit.map { Duration.milliseconds(Int($0 * 1000)) }
        return Task {
            while !Task.isCancelled {
                try? await Task.sleep(for: .milliseconds(50))
                let now = ContinuousClock.now
                if let holdUntil, now < holdUntil.instant { continue }
                if let limit, now - start >= limit { break }
                if let quiet, now - lastMessage.instant >= quiet { break }
            }
            if !Task.isCancelled { await client.disconnect() }
        }
    }
}

/// An instant shared between a consuming loop and the watchdog: when the last message arrived,
/// or until when to hold on.
final class SharedInstant: Sendable {
    private let value = Mutex(ContinuousClock.now)
    func touch() { value.withLock { $0 = .now } }
    func set(_ instant: ContinuousClock.Instant) { value.withLock { $0 = instant } }
    var instant: ContinuousClock.Instant { value.withLock { $0 } }
}
