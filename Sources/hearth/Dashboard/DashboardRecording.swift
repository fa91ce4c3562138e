import Dashboard
import Dispatch
import HistoryStore
import MQTT
import Synchronization

/// `hearth --record`: what the dashboard receives goes into the history store too, in the same
/// format as `hearth record`. Batches are written on a queue of their own, so neither the client
/// nor the screen waits on the disk; write failures show on the status line.
final class DashboardRecording: Sendable {
    /// Handed over by the ingest task, taken by the writer.
    private let incoming = Mutex<[MQTTMessage]>([])
    private let writer: Mutex<HistoryWriter>
    private let queue = DispatchQueue(label: "hearth-record")
    private let inbox: DashboardInbox

    init(store: HistoryStore, inbox: DashboardInbox) {
        writer = Mutex(HistoryWriter(store: store, retention: Retention()))
        self.inbox = inbox
    }

    /// Queues a batch the model received; the writer takes it as soon as it is free.
    func record(_ batch: [MQTTMessage]) {
        let wasIdle = incoming.withLock { incoming in
            defer { incoming += batch }
            return incoming.isEmpty
        }
        if wasIdle { queue.async { self.write(force: false) } }
    }

    /// Writes what is left and waits for it; returns how many messages could not be written.
    func finish() -> Int {
        queue.sync { write(force: true) }
        return writer.withLock { $0.dropped + $0.pending.count }
    }

    private func write(force: Bool) {
        let batch = incoming.withLock { incoming in
            defer { incoming = [] }
            return incoming
        }
        switch writer.withLock({ writer in
            writer.add(batch)
            return writer.flush(force: force)
        }) {
        case let change?: inbox.post(.historyNote("\(change)", isError: change.isFailure))
        case nil: break
        }
    }
}
