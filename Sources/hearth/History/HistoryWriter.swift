import Foundation
import HistoryStore
import MQTT

/// Messages on their way into the history store, shared by `hearth record` and `hearth --record`.
///
/// Each flush writes what waits as one batch (at most `batchLimit` messages between flushes is
/// the caller's rule). A batch that cannot be written (a full disk, a read-only file) waits and
/// is tried again with a later flush, no sooner than 1 s after the failure, doubling to 30 s;
/// past `pendingLimit` messages the oldest are dropped and counted, so memory stays bounded.
/// Pruning runs a minute apart, 50 ms at a time.
struct HistoryWriter {
    static let batchLimit = 10_000
    static let pendingLimit = 200_000

    /// What a flush changed, for the caller to say (on stderr, or on the status line).
    enum Change: CustomStringConvertible {
        case failing(HistoryStore.Failure)
        case recovered
        /// The batch was written, but old history could not be deleted (tried again later).
        case pruneFailed(HistoryStore.Failure)

        var isFailure: Bool {
            if case .recovered = self { return false }
            return true
        }

        var description: String {
            switch self {
            case let .failing(failure): return "\(failure); keeping messages in memory and trying again"
            case .recovered: return "writing again"
            case let .pruneFailed(failure): return "\(failure) (while deleting old history; it stays until the next try)"
            }
        }
    }

    let store: HistoryStore
    let retention: Retention
    private(set) var pending: [MQTTMessage] = []
    /// Messages dropped while writes failed.
    private(set) var dropped = 0
    private var prunedAt = ContinuousClock.now - .seconds(3600)
    private var pruneUnfinished = false
    private var failing = false
    private var retryAt = ContinuousClock.now
    private var retryDelay = Duration.seconds(1)

    init(store: HistoryStore, retention: Retention) {
        self.store = store
        self.retention = retention
    }

    mutating func add(_ message: MQTTMessage) {
        pending.append(message)
    }

    mutating func add(_ messages: [MQTTMessage]) {
        pending += messages
    }

    /// Writes what waits, unless a failed write's backoff still runs (`force` tries anyway: the
    /// last flush before stopping). Returns a change to report, if any.
    mutating func flush(force: Bool = false) -> Change? {
        guard !pending.isEmpty, force || !failing || ContinuousClock.now >= retryAt else { return nil }
        do {
            try store.write(pending)
            pending.removeAll(keepingCapacity: true)
            if pruneUnfinished || ContinuousClock.now - prunedAt > .seconds(60) {
                prunedAt = .now
                do {
                    pruneUnfinished = try store.prune(now: Date().timeIntervalSince1970, retention: retention)
                } catch {
                    return .pruneFailed(error)
                }
            }
            guard failing else { return nil }
            failing = false
            retryDelay = .seconds(1)
            return .recovered
        } catch {
            retryAt = .now + retryDelay
            retryDelay = min(retryDelay * 2, .seconds(30))
            if pending.count > Self.pendingLimit {
                let excess = pending.count - Self.pendingLimit
                pending.removeFirst(excess)
                dropped += excess
            }
            guard !failing else { return nil }
            failing = true
            return .failing(error)
        }
    }
}
