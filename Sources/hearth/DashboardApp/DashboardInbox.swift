import Dashboard
import HearthKit
import Synchronization
import Terminal

/// News for the UI thread from the ingest task and from finished publishes: queued, then the UI
/// is woken to take it.
final class DashboardInbox: Sendable {
    let wakeup: Wakeup
    private let events = Mutex<[DashboardEvent]>([])

    init() throws {
        wakeup = try Wakeup()
    }

    func post(_ event: DashboardEvent) {
        events.withLock { $0.append(event) }
        wakeup.signal()
    }

    func takeAll() -> [DashboardEvent] {
        events.withLock { events in
            defer { events.removeAll() }
            return events
        }
    }
}
