import GRDB

// MARK: - Reading for a replay

extension SQLiteStore {
    /// In pages, oldest first.
    public func messages(broker: String, from since: Double, until: Double, after cursor: (time: Double, id: Int64)?,
                         limit: Int) async throws(StoreFailure) -> [(topic: String, message: RecordedMessage)] {
        let (time, id) = cursor ?? (since, Int64.min)
        return try await read { db in
            guard let broker = try Self.brokerID(reading: broker, in: db), let ids = try Self.ids(from: since, until: until, in: db) else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT topic.name, \(RecordedMessage.columns) FROM message JOIN topic ON topic.id = message.topic
                WHERE message.id BETWEEN ? AND ? AND topic.broker = ? AND message.time >= ? AND message.time < ?
                AND (message.time > ? OR (message.time = ? AND message.id > ?))
                ORDER BY message.time, message.id LIMIT ?
                """, arguments: [ids.lowerBound, ids.upperBound, broker, since, until, time, time, id, limit]).map { ($0[0] as String, RecordedMessage($0)) }
        }
    }

    public func messageCount(broker: String, from since: Double, until: Double) async throws(StoreFailure) -> Int {
        try await read { db in
            guard let broker = try Self.brokerID(reading: broker, in: db), let ids = try Self.ids(from: since, until: until, in: db) else { return 0 }
            return try Int.fetchOne(db, sql: """
                SELECT count(*) FROM message JOIN topic ON topic.id = message.topic
                WHERE message.id BETWEEN ? AND ? AND topic.broker = ? AND message.time >= ? AND message.time < ?
                """, arguments: [ids.lowerBound, ids.upperBound, broker, since, until]) ?? 0
        }
    }
}
