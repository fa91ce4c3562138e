import MQTT
import TopicModel

/// Where recorded history lives: a SQLite file (`SQLiteStore`, the default) or a PostgreSQL
/// database (`PostgresStore`). The recording pipeline writes through this, and every reader
/// (the dashboard, `hearth history`, `hearth replay`, `hearth watch`) reads through it.
///
/// One store holds several brokers' pasts: each message is kept under its broker's name (a
/// profile's name, or host:port). A store written before brokers were named keeps its messages
/// under the name "" until its next recorder names them.
public protocol HistoryStorage: Sendable {
    /// Where the store is, as printed: a file's path, or a URL without its password.
    var location: String { get }

    // MARK: Writing

    /// Claims `broker`'s past for this writer while the store is open: a second writer of the
    /// same broker is refused (`anotherBrokerWriter`). A file has one writer whatever the broker,
    /// claimed before it opens (`HistoryWriterLock`).
    func claim(broker: String) async throws(StoreFailure)

    /// Writes a batch of `broker`'s messages, with their numbers and the per-minute aggregates
    /// of the minutes that ended (`OpenMinutes`), all or nothing: a failed batch can be written again.
    func write(_ batch: StoredBatch, broker: String) async throws(StoreFailure)
    /// Deletes what `retention` no longer keeps, for about `budget`. Returns whether more is left.
    func prune(now: Double, retention: Retention, budget: Duration) async throws(StoreFailure) -> Bool
    /// Keeps `retention` in the store for its other writers.
    func save(_ retention: Retention) async throws(StoreFailure)
    /// The retention the store's last recorder saved, if any.
    func savedRetention() async throws(StoreFailure) -> Retention?

    // MARK: Reading

    /// The names of the brokers with a recorded past, sorted.
    func brokers() async throws(StoreFailure) -> [String]
    /// Every recorded topic (of `broker`, or of every broker when nil), by broker and name.
    func topics(broker: String?) async throws(StoreFailure) -> [RecordedTopic]
    /// The JSON paths with points for a topic, in first-recorded order.
    func paths(broker: String, topic: String) async throws(StoreFailure) -> [String]
    /// The points of a topic's series at `path` ("" for a plain number) since `since`, oldest first.
    func points(broker: String, topic: String, path: String, since: Double) async throws(StoreFailure) -> [(time: Double, value: Double)]
    /// The per-minute aggregates of a topic's series at `path` since `since`, oldest first.
    func minutes(broker: String, topic: String, path: String, since: Double) async throws(StoreFailure) -> [RecordedMinute]
    /// A topic's messages since `since`, oldest first.
    func messages(broker: String, topic: String, since: Double) async throws(StoreFailure) -> [RecordedMessage]
    /// Up to `limit` of a topic's messages before (`time`, `id`), newest first: a page going
    /// back. `id` is the last message of the previous page, or `Int64.max` to start with every
    /// message of `time` itself.
    func messages(broker: String, topic: String, before time: Double, id: Int64, limit: Int) async throws(StoreFailure) -> [RecordedMessage]
    /// Every topic heard since `since`, with its newest message; series not read (`series == nil`).
    func latest(broker: String, since: Double) async throws(StoreFailure) -> [RecordedHistory]
    /// Each series of `topic` since `since`: its per-minute aggregates and newest `points` raw
    /// points, oldest first.
    func series(broker: String, of topic: String, since: Double, points: Int) async throws(StoreFailure) -> [RecordedHistory.Field]

    // MARK: Reading for a replay

    /// `broker`'s recorded messages from `since` until (not including) `until`, oldest first
    /// (messages that share a time in row order), after `cursor`, at most `limit`.
    func messages(broker: String, from since: Double, until: Double, after cursor: (time: Double, id: Int64)?,
                  limit: Int) async throws(StoreFailure) -> [(topic: String, message: RecordedMessage)]
    /// How many of `broker`'s messages were recorded from `since` until `until`.
    func messageCount(broker: String, from since: Double, until: Double) async throws(StoreFailure) -> Int

    /// Writes the minutes still filling and lets go of the store's connections.
    func close() async
}

extension HistoryStorage {
    /// Writes `messages` as one batch.
    public func write(_ messages: [MQTTMessage], broker: String) async throws(StoreFailure) {
        try await write(StoredBatch(messages), broker: broker)
    }

    /// The broker to read for `wanted`: itself when the store holds it, else the store's only
    /// broker (one file, recorded under another name of the same broker: a profile against
    /// `-h`, or a store written before brokers were named), else `wanted` (an empty past).
    ///
    /// - Throws: when the store holds several brokers and none is `wanted`: name one.
    public func recordedBroker(_ wanted: String) async throws(StoreFailure) -> String {
        let names = try await brokers()
        if names.contains(wanted) || names.isEmpty { return wanted }
        if names.count == 1 { return names[0] }
        throw .noSuchBroker(store: location, broker: wanted, known: names, named: false)
    }

    public func series(broker: String, of topic: String, since: Double) async throws(StoreFailure) -> [RecordedHistory.Field] {
        try await series(broker: broker, of: topic, since: since, points: TimeSeries.pointCapacity)
    }

    public func messages(broker: String, topic: String, before time: Double, limit: Int) async throws(StoreFailure) -> [RecordedMessage] {
        try await messages(broker: broker, topic: topic, before: time, id: .max, limit: limit)
    }

    @discardableResult
    public func prune(now: Double, retention: Retention = Retention()) async throws(StoreFailure) -> Bool {
        try await prune(now: now, retention: retention, budget: .milliseconds(50))
    }
}
