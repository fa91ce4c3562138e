import Foundation
import HistoryStore
import MQTT
import Synchronization

/// The recorder's loop: connect (and keep connecting), read, write in batches, stop on a signal.
///
/// A batch is written at the end of every burst the client hands over, and at least every
/// 10,000 messages: after `kill -9` at most the last batch is lost. Failed writes wait in the
/// `HistoryWriter`, bounded, and are tried again each second while no message arrives, so a
/// store that has room again is written without waiting for the broker.
final class Recorder: Sendable {
    /// What the read loop hands over, taken by each flush: the loop never waits on a write it
    /// did not start.
    private let incoming = Mutex<[MQTTMessage]>([])
    private let writer: Mutex<HistoryWriter>
    /// Stop after this many messages (benchmarks).
    private let limit: Int?
    private let stopped = SignalFlag()

    init(store: HistoryStore, retention: Retention, limit: Int? = nil) {
        writer = Mutex(HistoryWriter(store: store, retention: retention))
        self.limit = limit
    }

    func run(configuration: MQTTClientConfiguration, filters: [String], qos: MQTTQoS) async throws {
        let stopped = stopped
        let signals = Task {
            await StopSignal.wait()
            stopped.set()
        }
        defer { signals.cancel() }
        var delay = Duration.milliseconds(500)
        // Messages recorded, across sessions (for `limit`).
        var recorded = 0
        while !stopped.isSet {
            // Retained values come once, with a new subscription: a resumed session (a restart, a
            // reconnect) does not deliver them again as if they were new messages (MQTT 5).
            let session = SubscribedSession(configuration: configuration, filters: filters, qos: qos, retainAsPublished: true,
                                            retainHandling: .sendIfNew)
            do {
                try await session.run { client, info in
                    Diagnostics.warn("connected (MQTT \(info.version)), session \(info.sessionPresent ? "resumed" : "new")")
                    delay = .milliseconds(500)
                    await record(from: client, stopped: stopped, recorded: &recorded)
                }
            } catch {
                // The first connection failed (the broker is down or unreachable): try again, for ever.
                Diagnostics.warn("\(error); trying again in \(Int(delay / .seconds(1) * 10) / 10) s")
                try? await waitOrStop(delay, stopped: stopped)
                delay = min(delay * 2, .seconds(30))
            }
        }
        flush(force: true)
        // The broker has them acknowledged: say how many are gone, and end with a failure.
        let lost = writer.withLock { $0.dropped + $0.pending.count } + incoming.withLock { $0.count }
        if lost > 0 { throw Lost(count: lost) }
    }

    /// Messages received but never written: dropped while writes failed, or still waiting at the stop.
    struct Lost: Error, CustomStringConvertible {
        let count: Int
        var description: String { "\(count) message\(count == 1 ? "" : "s") could not be written to the history store and are lost" }
    }

    /// Reads until the client ends (a stop, or a close for good), writing as it goes.
    private func record(from client: MQTTClient, stopped: SignalFlag, recorded: inout Int) async {
        let watcher = Task {
            while !stopped.isSet { try await Task.sleep(for: .milliseconds(100)) }
            await client.disconnect()
        }
        // A failed write is tried again while the broker is quiet (HistoryWriter keeps the backoff).
        let retrier = Task {
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                flush()
            }
        }
        defer { watcher.cancel() }
        var iterator = client.events.makeAsyncIterator()
        while let event = await iterator.next() {
            switch event {
            case let .message(message):
                recorded += 1
                if incoming.withLock({ incoming in
                    incoming.append(message)
                    return incoming.count >= HistoryWriter.batchLimit
                }) {
                    flush()
                }
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
        // No retry may write after the last flush (or report after the count of what is lost).
        retrier.cancel()
        _ = await retrier.result
        flush(force: true)
    }

    /// Writes what waits, and says on stderr when writing fails or works again.
    private func flush(force: Bool = false) {
        // While the other task writes, the messages wait in `incoming` for the next flush rather
        // than a second thread waiting on the disk (the last flush, forced, waits).
        let change = force ? writer.withLock { drain(into: &$0, force: true) } : writer.withLockIfAvailable { drain(into: &$0, force: false) } ?? nil
        guard let change else { return }
        if change.isFailure { Diagnostics.error("\(change)") } else { Diagnostics.warn("\(change)") }
    }

    /// Hands what the read loop queued to the writer, and writes; the writer's lock is held.
    private func drain(into writer: inout HistoryWriter, force: Bool) -> HistoryWriter.Change? {
        writer.add(incoming.withLock { incoming in
            defer { incoming = [] }
            return incoming
        })
        return writer.flush(force: force)
    }

    private func waitOrStop(_ delay: Duration, stopped: SignalFlag) async throws {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end, !stopped.isSet { try await Task.sleep(for: .milliseconds(100)) }
    }
}
