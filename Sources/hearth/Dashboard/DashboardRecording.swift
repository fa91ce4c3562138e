import Dashboard
import Dispatch
import HistoryStore
import MQTT
import Synchronization
import TopicModel

/// `hearth --record`: what the dashboard receives goes into the history store too, in the same
/// format as `hearth record`. Batches are written on a queue of their own, so neither the client
/// nor the screen waits on the disk; write failures show on the status line, and failed batches
/// are tried again each second until they are written.
///
/// Memory stays bounded: at most `HistoryWriter.pendingLimit` messages wait for the writer (the
/// oldest beyond are dropped and counted), and they are written `batchLimit` at a time.
final class DashboardRecording: Sendable {
    private struct Incoming {
        var messages: [MQTTMessage] = []
        var dropped = 0
        var echoes = RetainedEchoes()
        /// A write is due in a second to try failed batches again.
        var retryScheduled = false
        /// `finish` ran: a retry still scheduled does nothing.
        var finished = false
    }

    /// Handed over by the ingest task, taken by the writer.
    private let incoming: Mutex<Incoming>
    private let writer: Mutex<HistoryWriter>
    private let queue = DispatchQueue(label: "hearth-record")
    private let inbox: DashboardInbox

    /// - Parameter recorded: the newest recorded message of each topic, so the retained values
    ///   the broker sends on subscribing are not recorded again when they did not change.
    init(store: HistoryStore, recorded: [RecordedHistory], inbox: DashboardInbox) {
        // The retention `hearth record` saved in the store, or the default.
        let retention = (try? store.savedRetention()) ?? Retention()
        writer = Mutex(HistoryWriter(store: store, retention: retention))
        incoming = Mutex(Incoming(echoes: RetainedEchoes(recorded.map(\.last))))
        self.inbox = inbox
    }

    /// Queues a batch the model received; the writer takes it as soon as it is free.
    func record(_ batch: [MQTTMessage]) {
        let wasIdle = incoming.withLock { incoming in
            let wasIdle = incoming.messages.isEmpty
            incoming.messages += batch.filter { !incoming.echoes.isEcho($0) }
            let excess = incoming.messages.count - HistoryWriter.pendingLimit
            if excess > 0 {
                incoming.messages.removeFirst(excess)
                incoming.dropped += excess
            }
            return wasIdle
        }
        if wasIdle { queue.async { self.write(force: false) } }
    }

    /// The client subscribes again (after a reconnect): the broker resends retained values.
    func resubscribing() {
        incoming.withLock { $0.echoes.subscribing() }
    }

    /// Writes what is left and waits for it; returns how many messages could not be written.
    func finish() -> Int {
        incoming.withLock { $0.finished = true }
        queue.sync { write(force: true) }
        let dropped = incoming.withLock { $0.dropped }
        return writer.withLock { $0.dropped + $0.pending.count } + dropped
    }

    private func write(force: Bool) {
        let taken = incoming.withLock { incoming in
            defer { incoming.messages = [] }
            return incoming.messages
        }
        var start = 0
        repeat {
            let batch = Array(taken[start..<min(taken.count, start + HistoryWriter.batchLimit)])
            start += HistoryWriter.batchLimit
            let change = writer.withLock { writer in
                writer.add(batch)
                return writer.flush(force: force)
            }
            if let change { inbox.post(.historyNote("\(change)", isError: change.isFailure)) }
        } while start < taken.count
        // Failed batches wait in the writer: try again in a second even if no message comes
        // (the writer's backoff decides whether it writes then), one retry at a time.
        guard !force, writer.withLock({ !$0.pending.isEmpty }) else { return }
        let schedule = incoming.withLock { incoming in
            defer { incoming.retryScheduled = true }
            return !incoming.retryScheduled
        }
        guard schedule else { return }
        queue.asyncAfter(deadline: .now() + .seconds(1)) {
            let finished = self.incoming.withLock { incoming in
                incoming.retryScheduled = false
                return incoming.finished
            }
            if !finished { self.write(force: false) }
        }
    }
}

/// Retained values a broker sends again on a (re)subscription, told from new messages: the
/// first message of a topic after subscribing, retained and with the payload last recorded for
/// it, is an echo of what the store already holds.
struct RetainedEchoes {
    /// A hash of each topic's last recorded payload, while that message was retained.
    private var lastRetained: [String: Int] = [:]
    /// Topics heard since the last subscription.
    private var heard: Set<String> = []

    init(_ recorded: [MQTTMessage] = []) {
        for message in recorded where message.retain { lastRetained[message.topic] = Self.hash(message.payload) }
    }

    mutating func subscribing() {
        heard.removeAll()
    }

    /// Whether `message` repeats what is recorded; otherwise notes it as the topic's last.
    mutating func isEcho(_ message: MQTTMessage) -> Bool {
        let first = heard.insert(message.topic).inserted
        let hash = Self.hash(message.payload)
        if first, message.retain, lastRetained[message.topic] == hash { return true }
        lastRetained[message.topic] = message.retain ? hash : nil
        return false
    }

    private static func hash(_ payload: [UInt8]) -> Int {
        var hasher = Hasher()
        hasher.combine(payload)
        return hasher.finalize()
    }
}
