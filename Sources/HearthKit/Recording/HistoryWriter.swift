import Foundation
import HistoryStore
import MQTT

/// Messages on their way into the history store, with the retry policy: the recording
/// pipeline's part that touches the disk.
///
/// Each flush writes what waits as one batch. A batch that cannot be written (a full disk, a
/// read-only file) waits and is tried again with a later flush, no sooner than 1 s after the
/// failure, doubling to 30 s; past `pendingLimit` messages the oldest are dropped and counted,
/// so memory stays bounded. Pruning runs a minute apart, 50 ms at a time. Time comes from the
/// caller (`now`), so tests move it by hand.
public struct HistoryWriter<Instant: InstantProtocol>: Sendable where Instant.Duration == Duration {
    /// The most messages one write takes. Large, because each transaction rewrites the pages it
    /// touches (the newest block's index pages): on the mixed stream of `bench/record_bench.py`
    /// the SQLite recorder took 3.6 to 3.8 s with 20,000 (peak RSS 178 to 181 MB), 3.4 to 3.7 s
    /// with 30,000 (183 to 194 MB), and 3.8 s with 40,000 (210 MB).
    public static var batchLimit: Int { 30_000 }
    /// The most messages kept in memory while writes fail.
    public static var pendingLimit: Int { 200_000 }

    public let store: any HistoryStorage
    /// The broker whose messages these are, as the store keeps it.
    public let broker: String
    public let retention: Retention
    public private(set) var pending: [MQTTMessage] = []
    /// `pending` as the store's batch, when it was handed in built (`add(_:prepared:)`).
    private var prepared: StoredBatch?
    /// Messages dropped while writes failed.
    public private(set) var dropped = 0
    /// Whether the last write failed (the backoff runs).
    public private(set) var failing = false
    private var prunedAt: Instant?
    private var pruneUnfinished = false
    private var retryAt: Instant?
    private var retryDelay = Duration.seconds(1)

    public init(store: any HistoryStorage, broker: String, retention: Retention) {
        self.store = store
        self.broker = broker
        self.retention = retention
    }

    /// Adds messages to write; while writes fail, the oldest past `pendingLimit` are dropped
    /// and counted. `prepared` is the store's batch of exactly `messages`, built as they came:
    /// it is written as it is when nothing older waits, else the batch is built at the write.
    public mutating func add(_ messages: some Collection<MQTTMessage>, prepared: StoredBatch? = nil) {
        self.prepared = pending.isEmpty && prepared?.count == messages.count ? prepared : nil
        pending += messages
        if failing { dropPastLimit() }
    }

    private mutating func dropPastLimit() {
        let excess = Self.keepNewest(&pending)
        dropped += excess
        if excess > 0 { prepared = nil }
    }

    /// Drops the oldest of `messages` past `pendingLimit`; returns how many went.
    static func keepNewest(_ messages: inout [MQTTMessage]) -> Int {
        let excess = messages.count - pendingLimit
        guard excess > 0 else { return 0 }
        messages.removeFirst(excess)
        return excess
    }

    /// Writes what waits, unless a failed write's backoff still runs (`force` tries anyway: the
    /// last flush before stopping). Returns a change to report, if any.
    public mutating func flush(now: Instant, force: Bool = false) async -> HistoryWriteChange? {
        guard !pending.isEmpty, force || !failing || retryAt.map({ now >= $0 }) ?? true else { return nil }
        do {
            try await store.write(prepared ?? StoredBatch(pending), broker: broker)
            pending.removeAll(keepingCapacity: true)
            prepared = nil
            if pruneUnfinished || prunedAt.map({ $0.duration(to: now) > .seconds(60) }) ?? true {
                prunedAt = now
                do {
                    pruneUnfinished = try await store.prune(now: Date().timeIntervalSince1970, retention: retention)
                } catch {
                    return .pruneFailed(error)
                }
            }
            guard failing else { return nil }
            failing = false
            retryDelay = .seconds(1)
            return .recovered
        } catch {
            retryAt = now.advanced(by: retryDelay)
            retryDelay = min(retryDelay * 2, .seconds(30))
            dropPastLimit()
            guard !failing else { return nil }
            failing = true
            return .failing(error)
        }
    }
}

/// What a flush changed, for the owner to say (on stderr, or on the status line).
public enum HistoryWriteChange: CustomStringConvertible, Sendable, Equatable {
    case failing(StoreFailure)
    case recovered
    /// The batch was written, but old history could not be deleted (tried again later).
    case pruneFailed(StoreFailure)

    public var isFailure: Bool {
        if case .recovered = self { return false }
        return true
    }

    public var description: String {
        switch self {
        case let .failing(failure): return "\(failure); keeping messages in memory and trying again"
        case .recovered: return "writing again"
        case let .pruneFailed(failure): return "\(failure) (while deleting old history; it stays until the next try)"
        }
    }
}
