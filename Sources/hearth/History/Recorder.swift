import Foundation
import HistoryStore
import MQTT

/// The recorder's loop: connect (and keep connecting), read, write in batches, stop on a signal.
///
/// A batch is written at the end of every burst the client hands over, and at least every
/// 10,000 messages: after `kill -9` at most the last batch is lost. Failed writes wait in the
/// `HistoryWriter`, bounded.
final class Recorder {
    private var writer: HistoryWriter
    /// Stop after this many messages (benchmarks).
    var limit: Int?
    private var recorded = 0
    private let stopped = SignalFlag()

    init(store: HistoryStore, retention: Retention) {
        writer = HistoryWriter(store: store, retention: retention)
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
            // Retained values come once, with a new subscription: a resumed session (a restart, a
            // reconnect) does not deliver them again as if they were new messages (MQTT 5).
            let session = SubscribedSession(configuration: configuration, filters: filters, qos: qos, retainAsPublished: true,
                                            retainHandling: .sendIfNew)
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
        flush(force: true)
        if writer.dropped > 0 { Diagnostics.warn("\(writer.dropped) message(s) could not be written and were dropped") }
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
                writer.add(message)
                recorded += 1
                if writer.pending.count >= HistoryWriter.batchLimit { flush() }
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
        flush(force: true)
    }

    /// Writes what waits, and says on stderr when writing fails or works again.
    private func flush(force: Bool = false) {
        guard let change = writer.flush(force: force) else { return }
        if change.isFailure { Diagnostics.error("\(change)") } else { Diagnostics.warn("\(change)") }
    }

    private func waitOrStop(_ delay: Duration, stopped: SignalFlag) async throws {
        let end = ContinuousClock.now + delay
        while ContinuousClock.now < end, !stopped.isSet { try await Task.sleep(for: .milliseconds(100)) }
    }
}
