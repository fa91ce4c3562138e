import HistoryStore
import MQTT
import Synchronization
import TopicModel

/// Reads the recorded past of topics as they come on screen, off the reader's thread, into the
/// model: the dashboard opens with each recorded topic's newest message, and reads the past of
/// what it draws, not of the whole store. It reads one broker's past.
public final class HistoryLoader: Sendable {
    /// A page of recorded messages older than the model's own, newest first.
    public struct Page: Sendable {
        public let messages: [StoredMessage]
        /// Where the next page starts: the store's time and id of the last message read.
        public let cursor: (time: Double, id: Int64)?
        /// The store has nothing older.
        public let reachedStart: Bool
    }

    private let store: any HistoryStorage
    private let broker: String
    /// How far back the series are read.
    private let since: Double
    private let model: SharedModel
    /// Called on the loader's task: series were read (nil) or failed (why).
    private let loaded: @Sendable (String?) -> Void
    /// Topics already asked for: one on screen for many frames is read once.
    private let asked = Mutex(Set<String>())

    /// - Parameter loaded: told (on the loader's task) when a request's series are in the
    ///   model (nil), or why one topic's could not be read.
    public init(store: any HistoryStorage, broker: String, since: Double, model: SharedModel, loaded: @escaping @Sendable (String?) -> Void) {
        self.store = store
        self.broker = broker
        self.since = since
        self.model = model
        self.loaded = loaded
    }

    /// Reads `topics`' series in the background; each is read once.
    public func request(_ topics: [String]) {
        let fresh = take(topics)
        guard !fresh.isEmpty else { return }
        Task {
            await self.load(fresh)
            self.loaded(nil)
        }
    }

    /// Reads a page of `topic`'s recorded messages before (`before`, `id`) in the background
    /// (`id == .max`: the first page, which starts at the model's oldest message).
    public func requestOlder(topic: String, before: Double, id: Int64, pageSize: Int,
                             reply: @escaping @Sendable (Result<Page, StoreFailure>) -> Void) {
        Task {
            do throws(StoreFailure) {
                var page = try await self.store.messages(broker: self.broker, topic: topic, before: before, id: id, limit: pageSize)
                let cursor = page.last.map { (time: $0.time, id: $0.id) }
                let reachedStart = page.count < pageSize
                if id == .max { page = self.withoutShown(page, of: topic, pageSize: pageSize) }
                let messages = page.map {
                    StoredMessage(payload: $0.payload, size: $0.size, time: $0.time, qos: MQTTQoS(rawValue: UInt8(clamping: $0.qos)) ?? .atMostOnce,
                                  retain: $0.retain, properties: $0.properties)
                }
                reply(.success(Page(messages: messages, cursor: cursor, reachedStart: reachedStart)))
            } catch {
                reply(.failure(error))
            }
        }
    }

    /// The first page starts at the model's oldest message. The model may hold some of its
    /// messages too, with this recorder's receive time or another's (a recorder running beside
    /// the dashboard stamps the same message a few milliseconds apart): a recorded message with
    /// the payload of one the model holds, within a second of it, is left out, once each.
    private func withoutShown(_ page: [RecordedMessage], of topic: String, pageSize: Int) -> [RecordedMessage] {
        var shown = model.withModel { model -> [StoredMessage] in
            guard let node = model.find(topic), let record = model.topic(at: node) else { return [] }
            return Array(record.history.messages.prefix(pageSize)) + [record.last]
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

    private func load(_ topics: [String]) async {
        for topic in topics {
            do {
                let series = try await store.series(broker: broker, of: topic, since: since)
                model.withModel { $0.seedSeries(series, of: topic) }
            } catch {
                // The topic goes on with live data only; the status line says why.
                model.withModel { $0.seedSeries([], of: topic) }
                loaded("\(error)")
            }
        }
    }
}
