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

    /// Reads a page of recorded messages in the background, and hands it to the UI for the
    /// history table.
    func requestOlder(_ request: OlderMessages.Request) {
        queue.async {
            do {
                var page = try self.store.messages(topic: request.topic, before: request.before, id: request.id, limit: OlderMessages.pageSize)
                let cursor = page.last.map { (time: $0.time, id: $0.id) }
                let reachedStart = page.count < OlderMessages.pageSize
                if request.id == .max { page = self.withoutShown(page, of: request.topic) }
                let messages = page.map {
                    StoredMessage(payload: $0.payload, size: $0.size, time: $0.time, qos: MQTTQoS(rawValue: UInt8(clamping: $0.qos)) ?? .atMostOnce,
                                  retain: $0.retain, properties: $0.properties)
                }
                self.inbox.post(.olderMessages(request, messages: messages, cursor: cursor, reachedStart: reachedStart))
            } catch {
                self.inbox.post(.olderMessagesFailed(request, reason: "\(error)"))
            }
        }
    }

    /// The first page starts at the model's oldest message. The model may hold some of its
    /// messages too, with this recorder's receive time or another's (a recorder running beside
    /// the dashboard stamps the same message a few milliseconds apart): a recorded message with
    /// the payload of one the model holds, within a second of it, is left out, once each.
    private func withoutShown(_ page: [RecordedMessage], of topic: String) -> [RecordedMessage] {
        var shown = model.withModel { model -> [StoredMessage] in
            guard let node = model.find(topic), let record = model.topic(at: node) else { return [] }
            return Array(record.history.messages.prefix(OlderMessages.pageSize)) + [record.last]
        }
        return page.filter { message in
            guard let index = shown.firstIndex(where: { abs($0.time - message.time) < 1 && $0.payload == message.payload }) else { return true }
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
