import Dashboard
import Dispatch
import HistoryStore
import MQTT
import Synchronization
import TopicModel

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

    /// Reads a page of `topic`'s messages before (`time`, `id`) in the background, and hands it
    /// to the UI for the history table.
    func requestOlder(_ topic: String, before time: Double, id: Int64) {
        queue.async {
            do {
                var page = try self.store.messages(topic: topic, before: time, id: id, limit: OlderMessages.pageSize)
                let cursor = page.last.map { (time: $0.time, id: $0.id) }
                let reachedStart = page.count < OlderMessages.pageSize
                if id == .max { page = self.withoutShown(page, of: topic, at: time) }
                let messages = page.map {
                    StoredMessage(payload: $0.payload, size: $0.size, time: $0.time, qos: MQTTQoS(rawValue: UInt8(clamping: $0.qos)) ?? .atMostOnce,
                                  retain: $0.retain, properties: $0.properties)
                }
                self.inbox.post(.olderMessages(topic: topic, messages: messages, cursor: cursor, reachedStart: reachedStart))
            } catch {
                self.inbox.post(.historyFailed("\(error)"))
            }
        }
    }

    /// The first page starts at the model's oldest message, whose time other recorded messages
    /// may share: those the model shows (the same time and payload) are left out, once each.
    private func withoutShown(_ page: [RecordedMessage], of topic: String, at time: Double) -> [RecordedMessage] {
        var shown = model.withModel { model -> [[UInt8]] in
            guard let node = model.find(topic), let record = model.topic(at: node) else { return [] }
            return ([record.last] + record.history.messages).filter { $0.time == time }.map(\.payload)
        }
        return page.filter { message in
            guard message.time == time, let index = shown.firstIndex(of: message.payload) else { return true }
            shown.remove(at: index)
            return false
        }
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
