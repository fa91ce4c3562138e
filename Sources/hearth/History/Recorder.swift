import Foundation
import HistoryStore
import MQTT

/// The recorder's loop: connect (and keep connecting), read, write in batches, stop on a signal.
///
/// A batch is written at the end of every burst the client hands over, and at least every
/// 10,000 messages: after `kill -9` at most the last batch is lost. A batch that cannot be
/// written (a full disk, a read-only file) waits and is written again with the next one; past
/// `pendingLimit` messages the oldest are dropped and counted, so memory stays bounded.
final class Recorder {
    static let batchLimit = 10_000
    static let pendingLimit = 200_000

    private let store: HistoryStore
    private let retention: Retention
    /// When the store was last pruned; pruning runs a minute apart, 50 ms at a time.
    private var prunedAt = ContinuousClock.now - .seconds(3600)
    private var pruneUnfinished = false
    private var pending: [MQTTMessage] = []
    /// Stop after this many messages (benchmarks).
    var limit: Int?
    private var recorded = 0
    private var dropped = 0
    private var failing = false
    private let stopped = SignalFlag()

    init(store: HistoryStore, retention: Retention) {
        self.store = store
        self.retention = retention
    }

    func run(configuration: MQTTClientConfiguration, filters: [String], qos: MQTTQoS) async throws {
        let stopped = stopped
        let signals = Task {
            await StopSignal.wait()
            stopped.set()
        }
        defer { signals.cancel() }
        var delay = Duration.milliseconds(500)
        while !stopped.isSet {
            let session = SubscribedSession(configuration: configuration, filters: filters, qos: qos, retainAsPublished: true)
            do {
                try await session.run { client, info in
                    Diagnostics.warn("connected (MQTT \(info.version)), session \(info.sessionPresent ? "resumed" : "new")")
                    delay = .milliseconds(500)
                    await record(from: client, stopped: stopped)
                }
            } catch {
                // The first connection failed (the broker is down or unreachable): try again, for ever.
                Diagnostics.warn("\(error); trying again in \(Int(delay / .seconds(1) * 10) / 10) s")
                try? await waitOrStop(delay, stopped: stopped)
                delay = min(delay * 2, .seconds(30))
            }
        }
        flush()
        if dropped > 0 { Diagnostics.warn("\(dropped) message(s) could not be written and were dropped") }
    }

    /// Reads until the client ends (a stop, or a close for good), writing as it goes.
    private func record(from client: MQTTClient, stopped: SignalFlag) async {
        let watcher = Task {
            while !stopped.isSet { try await Task.sleep(for: .milliseconds(100)) }
            await client.disconnect()
        }
        defer { watcher.cancel() }
        var iterator = client.events.makeAsyncIterator()
        while let event = await iterator.next() {
            switch event {
            case let .message(message):
                pending.append(message)
                recorded += 1
                if pending.count >= Self.batchLimit { flush() }
                if let limit, recorded >= limit {
                    stopped.set()
                    break
                }
            case let .connectionState(state):
                switch state {
                case .reconnecting, .closed(.some): Diagnostics.warn("\(state)")
                case .idle, .connecting, .connected, .closed(nil): break
                }
            case .messagesDropped, .resubscribing, .subscriptionsRestored:
                break
            }
            if !iterator.hasBufferedEvents { flush() }
        }
        flush()
    }

    /// Writes what waits; on failure keeps it for the next try, within `pendingLimit`.
    private func flush() {
        guard !pending.isEmpty else { return }
        do {
            try store.write(pending)
            pending.removeAll(keepingCapacity: true)
            if pruneUnfinished || ContinuousClock.now - prunedAt > .seconds(60) {
                pruneUnfinished = try store.prune(now: Date().timeIntervalSince1970, retention: retention)
                prunedAt = .now
            }
            if failing {
                failing = false
                Diagnostics.warn("writing again")
            }
        } catch {
            if !failing { Diagnostics.error("\(error); keeping messages in memory and trying again") }
            failing = true
            if pending.count > Self.pendingLimit {
                let excess = pending.count - Self.pendingLimit
                pending.removeFirst(excess)
                dropped += excess
            }
        }
    }

    private func waitOrStop(_ delay: Duration, stopped: SignalFlag) async throws {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end, !stopped.isSet { try await Task.sleep(for: .milliseconds(100)) }
    }
}
