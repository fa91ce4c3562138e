import GRDB

// MARK: - Reading for a replay

extension HistoryStore {
    /// Every recorded topic's name, by its row id.
    public func topicNames() throws(Failure) -> [Int64: String] {
        try read { db in
            Dictionary(uniqueKeysWithValues: try Row.fetchAll(db, sql: "SELECT id, name FROM topic").map { ($0[0] as Int64, $0[1] as String) })
        }
    }

    /// Recorded messages from `since` until (not including) `until`, oldest first (messages that
    /// share a time in row order), after `cursor` (the time and id of the last one read), at
    /// most `limit`; each with its topic's row id. Read through the index on time.
    public func messages(from since: Double, until: Double, after cursor: (time: Double, id: Int64)?,
                         limit: Int) throws(Failure) -> [(topic: Int64, message: RecordedMessage)] {
        let (time, id) = cursor ?? (since, Int64.min)
        return try read { db in
            try Row.fetchAll(db, sql: """
                SELECT message.topic, \(RecordedMessage.columns) FROM message
                WHERE message.time >= ? AND message.time < ? AND (message.time > ? OR (message.time = ? AND message.id > ?))
                ORDER BY message.time, message.id LIMIT ?
                """, arguments: [since, until, time, time, id, limit]).map { ($0[0] as Int64, RecordedMessage($0)) }
        }
    }

    /// How many messages were recorded from `since` until `until`.
    public func messageCount(from since: Double, until: Double) throws(Failure) -> Int {
        try read { db in
            try Int.fetchOne(db, sql: "SELECT count(*) FROM message WHERE time >= ? AND time < ?", arguments: [since, until]) ?? 0
        }
    }
}
