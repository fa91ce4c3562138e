import Dashboard
import Dispatch
import HistoryStore
import Synchronization

/// Reads the recorded series of topics as they come on screen, off the UI thread, and adds them
/// to the model: the dashboard opens with each recorded topic's newest message, and reads the
/// past of what it draws, not of the whole store.
final class HistoryLoader: Sendable {
    private let store: HistoryStore
    /// How far back the series are read.
    private let since: Double
    private let model: SharedModel
    private let inbox: DashboardInbox
    private let queue = DispatchQueue(label: "hearth-history")
    /// Topics already asked for: one on screen for many frames is read once.
    private let asked = Mutex(Set<String>())

    init(store: HistoryStore, since: Double, model: SharedModel, inbox: DashboardInbox) {
        self.store = store
        self.since = since
        self.model = model
        self.inbox = inbox
    }

    /// Reads `topics` in the background, then wakes the UI to draw them.
    func request(_ topics: [String]) {
        let fresh = take(topics)
        guard !fresh.isEmpty else { return }
        queue.async {
            self.load(fresh)
            self.inbox.wakeup.signal()
        }
    }

    /// Reads `topics` on this thread: for the first frame, which shows the past at once.
    func loadNow(_ topics: [String]) {
        load(take(topics))
    }

    private func take(_ topics: [String]) -> [String] {
        asked.withLock { asked in topics.filter { asked.insert($0).inserted } }
    }

    private func load(_ topics: [String]) {
        for topic in topics {
            do {
                let series = try store.series(of: topic, since: since)
                model.withModel { $0.seedSeries(series, of: topic) }
            } catch {
                // The topic goes on with live data only; the status line says why.
                model.withModel { $0.seedSeries([], of: topic) }
                inbox.post(.historyFailed("\(error)"))
            }
        }
    }
}
