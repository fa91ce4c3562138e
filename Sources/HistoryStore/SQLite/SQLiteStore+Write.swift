import Foundation
import GRDB
import MQTT

// MARK: - Writing batches

extension SQLiteStore {
    /// Writes a batch of messages in one transaction: the messages, their numbers (in the
    /// message row for a payload that is one number, as points for JSON fields), and the
    /// per-minute aggregates of the minutes that ended (`OpenMinutes`). All or nothing: a
    /// failed batch can be written again.
    public func write(_ batch: StoredBatch, broker: String) async throws(StoreFailure) {
        guard !batch.rows.isEmpty else { return }
        do {
            // The cache is read and put back on GRDB's writer queue, so writes from several
            // pipelines (brokers) into one file take turns with it; it is put back only if the
            // transaction commits: a rolled-back id or minute must not be remembered.
            try await pool.writeWithoutTransaction { db in
                var ids = self.ids.withLock { $0 }
                try db.inTransaction {
                    try self.write(batch, broker: broker, in: db, ids: &ids)
                    return .commit
                }
                self.ids.withLock { $0 = ids }
            }
        } catch {
            throw .writeFailed(store: path, reason: Self.describe(error))
        }
    }

    private func write(_ batch: StoredBatch, broker: String, in db: Database, ids: inout IDCache) throws {
        let brokerID = try self.brokerID(broker, in: db, cache: &ids.brokers)
        // Before this batch's rows, which are its own minutes'.
        try Self.recoverMinutes(broker: brokerID, in: db, minutes: &ids.minutes)
        let topicIDs = try batch.topics.map { try self.topicID(TopicKey(broker: brokerID, name: $0), in: db, cache: &ids.topics) }
        // Whether each topic's plain-number series is known to exist in this batch: looked
        // up once per topic, not once per message.
        var hasValueSeries = [Bool](repeating: false, count: topicIDs.count)
        // The blocks this batch writes into (one, or more across boundaries), with their times.
        var blocks: [Int64: (first: Double, last: Double)] = [:]
        var points: [(series: Int64, time: Double, value: Double, block: Int64)] = []
        try Self.insertMessage.run(batch.rows, in: db) { statement, row, first in
            statement.bind(topicIDs[row.topic], at: first)
            statement.bind(row.time, at: first + 1)
            statement.bind(row.payload, at: first + 2)
            statement.bind(Int64(row.size), at: first + 3)
            statement.bind(Int64(row.qos), at: first + 4)
            statement.bind(Int64(row.retain ? 1 : 0), at: first + 5)
            statement.bind(row.value, at: first + 6)
            statement.bind(row.properties?[...], at: first + 7)
        } inserted: { rows, lastID in
            // One writer, so a statement's rows take consecutive ids, ending at `lastID`.
            var id = lastID - Int64(rows.count)
            for row in rows {
                id += 1
                let block = id >> Self.blockShift
                let times = blocks[block] ?? (row.time, row.time)
                blocks[block] = (min(times.first, row.time), max(times.last, row.time))
                let topic = topicIDs[row.topic]
                // Series are made in the order their numbers first came: `paths` reads them so.
                if row.value != nil, !hasValueSeries[row.topic] {
                    _ = try seriesID(SeriesKey(topic: topic, path: ""), in: db, cache: &ids.series)
                    hasValueSeries[row.topic] = true
                }
                for (path, value) in batch.points[row.points] {
                    points.append((try seriesID(SeriesKey(topic: topic, path: path), in: db, cache: &ids.series), row.time, value, block))
                }
            }
        }
        try Self.insertPoint.run(points, in: db) { statement, point, first in
            statement.bind(point.series, at: first)
            statement.bind(point.time, at: first + 1)
            statement.bind(point.value, at: first + 2)
            statement.bind(point.block, at: first + 3)
        }
        try Self.bookkeep(filled: blocks.keys, in: db)
        let widenBlock = try db.cachedStatement(sql: Self.widenBlock)
        for (block, times) in blocks {
            try widenBlock.execute(arguments: [block, times.first, times.last])
        }
        // The minutes that ended are written; the one still filling is kept (`OpenMinutes`).
        let series = ids.series
        let minutes = ids.minutes.after(batch, broker: brokerID) { series[SeriesKey(topic: topicIDs[$0.topic], path: $0.path)] }
        try Self.upsert(minutes.due, in: db)
        if minutes.before != ids.minutes.writtenBefore[brokerID] {
            try Self.saveSetting(OpenMinutes.markName(broker: brokerID), Double(minutes.before), in: db)
        }
        ids.minutes.open = minutes.open
        ids.minutes.writtenBefore[brokerID] = minutes.before
    }

    static let insertMessage = MultiRowInsert(head: "INSERT INTO message (topic, time, payload, size, qos, retain, value, properties) VALUES", columns: 8)
    static let insertPoint = MultiRowInsert(head: "INSERT INTO point (series, time, value, block) VALUES", columns: 4)
    /// Minutes' totals, added to those already stored.
    static let upsertMinute = MultiRowInsert(head: "INSERT INTO minute (series, minute, min, max, sum, count) VALUES", columns: 6, tail: """
         ON CONFLICT (series, minute) DO UPDATE SET
          min = min(min, excluded.min), max = max(max, excluded.max),
          sum = sum + excluded.sum, count = count + excluded.count
        """)

    /// Adds `minutes` to their rows.
    static func upsert(_ minutes: [OpenMinutes.Key: StoredBatch.MinuteTotals], in db: Database) throws {
        try upsertMinute.run(Array(minutes), in: db) { statement, minute, first in
            statement.bind(minute.key.series, at: first)
            statement.bind(minute.key.minute, at: first + 1)
            statement.bind(minute.value.min, at: first + 2)
            statement.bind(minute.value.max, at: first + 3)
            statement.bind(minute.value.sum, at: first + 4)
            statement.bind(Int64(minute.value.count), at: first + 5)
        }
    }

    /// The minute of `time` in SQL, rounded down as `StoredBatch` rounds it (a cast rounds
    /// toward zero, which differs before 1970).
    private static func minuteOf(_ time: String) -> String {
        "(CAST(\(time) / 60 AS INTEGER) - (\(time) < 0 AND CAST(\(time) / 60 AS INTEGER) != \(time) / 60))"
    }

    /// Once per broker and process, before its first batch: the minutes from the broker's mark
    /// on, recomputed from the raw rows (a writer before this one may have stopped without
    /// writing them). Each replaces its row.
    static func recoverMinutes(broker: Int64, in db: Database, minutes: inout OpenMinutes) throws {
        // A mark that is no minute (a damaged row) is no mark.
        guard minutes.writtenBefore[broker] == nil,
              let mark = try Double.fetchOne(db, sql: "SELECT value FROM setting WHERE name = ?", arguments: [OpenMinutes.markName(broker: broker)])
                .flatMap({ Int64(exactly: $0) })
        else { return }
        let since = Double(mark) * 60
        let blocks = list(try Self.blocks(since: since, through: Int64.max, in: db))
        try db.execute(sql: """
            INSERT INTO minute (series, minute, min, max, sum, count)
            SELECT * FROM (
              SELECT series.id, \(minuteOf("message.time")), min(message.value), max(message.value), sum(message.value), count(*)
                FROM message JOIN topic ON topic.id = message.topic JOIN series ON series.topic = message.topic AND series.path = ''
                WHERE message.\(messageBlock) IN (\(blocks)) AND topic.broker = ?1 AND message.time >= ?2 AND message.value IS NOT NULL GROUP BY 1, 2
              UNION ALL
              SELECT point.series, \(minuteOf("point.time")), min(point.value), max(point.value), sum(point.value), count(*)
                FROM point JOIN series ON series.id = point.series JOIN topic ON topic.id = series.topic
                WHERE point.block IN (\(blocks)) AND topic.broker = ?1 AND point.time >= ?2 GROUP BY 1, 2)
            WHERE true
            ON CONFLICT (series, minute) DO UPDATE SET min = excluded.min, max = excluded.max, sum = excluded.sum, count = excluded.count
            """, arguments: [broker, since])
        minutes.writtenBefore[broker] = mark
    }

    /// The broker's row; a store written before brokers were named has its messages under ""
    /// (no name), and its first named recorder takes them as its own.
    private func brokerID(_ name: String, in db: Database, cache: inout [String: Int64]) throws -> Int64 {
        if let id = cache[name] { return id }
        let id: Int64
        if let known = try Int64.fetchOne(db, sql: "SELECT id FROM broker WHERE name = ?", arguments: [name]) {
            id = known
        } else if let unnamed = try Int64.fetchOne(db, sql: "SELECT id FROM broker WHERE name = ''"), (try Int.fetchOne(db, sql: "SELECT count(*) FROM broker") ?? 0) == 1 {
            try db.execute(sql: "UPDATE broker SET name = ? WHERE id = ?", arguments: [name, unnamed])
            id = unnamed
        } else {
            try db.execute(sql: "INSERT INTO broker (name) VALUES (?)", arguments: [name])
            id = db.lastInsertedRowID
        }
        cache[name] = id
        return id
    }

    private func topicID(_ key: TopicKey, in db: Database, cache: inout [TopicKey: Int64]) throws -> Int64 {
        if let id = cache[key] { return id }
        let id = try rowID(made: "INSERT OR IGNORE INTO topic (broker, name) VALUES (?, ?)",
                           found: "SELECT id FROM topic WHERE broker = ? AND name = ?", [key.broker, key.name], in: db)
        cache[key] = id
        return id
    }

    private func seriesID(_ key: SeriesKey, in db: Database, cache: inout [SeriesKey: Int64]) throws -> Int64 {
        if let id = cache[key] { return id }
        let id = try rowID(made: "INSERT OR IGNORE INTO series (topic, path) VALUES (?, ?)",
                           found: "SELECT id FROM series WHERE topic = ? AND path = ?", [key.topic, key.path], in: db)
        cache[key] = id
        return id
    }

    /// A row's id: the row made if it is missing (`made`, an `INSERT OR IGNORE`), then looked up
    /// (`found`), both with `arguments`.
    private func rowID(made: String, found: String, _ arguments: StatementArguments, in db: Database) throws -> Int64 {
        try db.cachedStatement(sql: made).execute(arguments: arguments)
        return try Int64.fetchOne(db.cachedStatement(sql: found), arguments: arguments) ?? 0
    }
}
