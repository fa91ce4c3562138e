import Dashboard
import HearthKit
import Synchronization
import Terminal

/// News for the UI thread from the ingest task and from finished publishes: queued, then the UI
/// is woken to take it.
final class DashboardInbox: Sendable {
    let wakeup: Wakeup
    private let events = Mutex<[DashboardEvent]>([])
    /// Recorded past was read for topics on screen: the frame that shows it is drawn at once,
    /// not at a trickle of messages' pace.
    private let pastRead = Atomic<Bool>(false)

    init() throws {
        wakeup = try Wakeup()
    }

    func post(_ event: DashboardEvent) {
        events.withLock { $0.append(event) }
        wakeup.signal()
    }

    func postPastRead() {
        pastRead.store(true, ordering: .relaxed)
        wakeup.signal()
    }

    /// Whether recorded past was read since the last call.
    func takePastRead() -> Bool {
        pastRead.exchange(false, ordering: .relaxed)
    }

    func takeAll() -> [DashboardEvent] {
        events.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }
}
