import Foundation
import GRDB
import MQTT
import TopicModel

// MARK: - Reading

extension RecordedMessage {
    static let columns = "message.time, message.payload, message.size, message.qos, message.retain, message.id, message.properties"

    init(_ row: Row) {
        self.init(time: row["time"], payload: [UInt8](row["payload"] as Data), size: row["size"], qos: row["qos"], retain: row["retain"],
                  id: row["id"], properties: Self.properties(stored: (row["properties"] as Data?).map { [UInt8]($0) }))
    }
}

extension SQLiteStore {
    /// A topic's row id under `broker`, and the block of its newest message (its reads look no
    /// further): the newest block when it has messages there, else the one it keeps; nil when
    /// it was never recorded.
    static func topic(broker: String, topic: String, in db: Database) throws -> (id: Int64, lastBlock: Int64)? {
        guard let (id, block) = try topicRow(broker: broker, topic: topic, in: db) else { return nil }
        if let newest = try newestBlock(in: db),
           try Bool.fetchOne(db.cachedStatement(sql: "SELECT 1 FROM message WHERE \(messageBlock) = ? AND topic = ? LIMIT 1"), arguments: [newest, id]) != nil {
            return (id, newest)
        }
        return (id, block ?? -1)
    }

    /// A topic's row id under `broker` and the newest full block it keeps, for reads that need
    /// no messages (its paths, its minutes); nil when it was never recorded.
    static func topicRow(broker: String, topic: String, in db: Database) throws -> (id: Int64, block: Int64?)? {
        guard let broker = try Self.brokerID(reading: broker, in: db),
              let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT id, block FROM topic WHERE broker = ? AND name = ?"), arguments: [broker, topic])
        else { return nil }
        return (row[0], row[1])
    }

    /// The broker's row id, or nil when it recorded nothing here.
    static func brokerID(reading name: String, in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM broker WHERE name = ?"), arguments: [name])
    }

    public func brokers() async throws(StoreFailure) -> [String] {
        try await read { db in try String.fetchAll(db, sql: "SELECT name FROM broker ORDER BY name") }
    }

    public func points(broker: String, topic: String, path: String, since: Double) async throws(StoreFailure) -> [(time: Double, value: Double)] {
        try await read { db in
            guard let topic = try Self.topic(broker: broker, topic: topic, in: db) else { return [] }
            let blocks = try Self.blocks(since: since, through: topic.lastBlock, in: db)
            // A payload that is one number keeps its value in the message row.
            let sql = path.isEmpty ? """
                SELECT time, value FROM message WHERE \(Self.messageBlock(in: blocks)) AND topic = ? AND time >= ? AND value IS NOT NULL ORDER BY time, id
                """ : """
                SELECT point.time, point.value FROM series JOIN point ON point.series = series.id
                WHERE point.block IN (\(Self.list(blocks))) AND series.topic = ? AND series.path = ? AND point.time >= ? ORDER BY point.time, point.rowid
                """
            let arguments: StatementArguments = path.isEmpty ? [topic.id, since] : [topic.id, path, since]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0[0], $0[1]) }
        }
    }

    public func paths(broker: String, topic: String) async throws(StoreFailure) -> [String] {
        try await read { db in
            guard let topic = try Self.topicRow(broker: broker, topic: topic, in: db) else { return [] }
            return try String.fetchAll(db, sql: "SELECT path FROM series WHERE topic = ? ORDER BY id", arguments: [topic.id])
        }
    }

    public func messages(broker: String, topic: String, since: Double) async throws(StoreFailure) -> [RecordedMessage] {
        try await read { db in
            guard let topic = try Self.topic(broker: broker, topic: topic, in: db) else { return [] }
            let blocks = try Self.blocks(since: since, through: topic.lastBlock, in: db)
            return try Row.fetchAll(db, sql: """
                SELECT \(RecordedMessage.columns) FROM message WHERE \(Self.messageBlock(in: blocks)) AND topic = ? AND time >= ? ORDER BY time, id
                """, arguments: [topic.id, since]).map(RecordedMessage.init)
        }
    }

    public func messages(broker: String, topic: String, before time: Double, id: Int64, limit: Int) async throws(StoreFailure) -> [RecordedMessage] {
        try await read { db in
            guard let topic = try Self.topic(broker: broker, topic: topic, in: db) else { return [] }
            let page = try db.cachedStatement(sql: """
                SELECT \(RecordedMessage.columns) FROM message
                WHERE \(Self.messageBlock) = ? AND topic = ? AND (time < ? OR (time = ? AND id < ?)) ORDER BY time DESC, id DESC LIMIT ?
                """)
            let blocks = try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM block WHERE first <= ? AND id <= ? ORDER BY id"),
                                            arguments: [time, topic.lastBlock])
            return try Self.newest(limit: limit, in: blocks) { block, remaining in
                try Row.fetchAll(page, arguments: [block, topic.id, time, time, id, remaining]).map(RecordedMessage.init)
            }
        }
    }

    public func topics(broker: String?) async throws(StoreFailure) -> [RecordedTopic] {
        try await read { db in
            var filter = ""
            var arguments: StatementArguments = []
            if let broker {
                guard let id = try Self.brokerID(reading: broker, in: db) else { return [] }
                filter = "WHERE topic.broker = ?"
                arguments = [id]
            }
            // Counted in one pass over the index, whose entries are by block before topic.
            return try Row.fetchAll(db, sql: """
                SELECT broker.name, topic.name, counted.messages, counted.first, counted.last
                FROM (SELECT topic, count(*) AS messages, min(time) AS first, max(time) AS last FROM message GROUP BY topic) AS counted
                JOIN topic ON topic.id = counted.topic JOIN broker ON broker.id = topic.broker \(filter)
                ORDER BY broker.name, topic.name
                """, arguments: arguments).map { RecordedTopic(broker: $0[0], name: $0[1], messages: $0[2], first: $0[3], last: $0[4]) }
        }
    }

    public func minutes(broker: String, topic: String, path: String, since: Double) async throws(StoreFailure) -> [RecordedMinute] {
        try await read { db in
            guard let topic = try Self.topicRow(broker: broker, topic: topic, in: db) else { return [] }
            return try Row.fetchAll(db, sql: """
                SELECT minute.minute, minute.min, minute.max, minute.sum, minute.count FROM minute
                JOIN series ON series.id = minute.series WHERE series.topic = ? AND series.path = ? AND minute.minute >= ? ORDER BY minute.minute
                """, arguments: [topic.id, path, Int64((since / 60).rounded(.down))]).map {
                RecordedMinute(minute: $0[0], min: $0[1], max: $0[2], sum: $0[3], count: $0[4])
            }
        }
    }

    /// Records a migration this version does not know, as a newer Hearth would have.
    package func markAppliedForTesting(_ identifier: String) throws {
        try pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [identifier]) }
    }

    /// Reads on GRDB's reader queue, off the caller's thread.
    func read<Value: Sendable>(_ body: @escaping @Sendable (Database) throws -> Value) async throws(StoreFailure) -> Value {
        do {
            return try await pool.read(body)
        } catch {
            throw .cannotOpen(store: path, reason: Self.describe(error))
        }
    }
}

// MARK: - What a dashboard opens on

extension SQLiteStore {
    /// Every topic heard since `since`, with its newest message (a lookup in the newest block,
    /// then in the topic's own: not a count of its rows); its series are not read yet
    /// (`series == nil`): the dashboard asks for them with `series(of:since:)` as topics come
    /// on screen.
    public func latest(broker: String, since: Double) async throws(StoreFailure) -> [RecordedHistory] {
        try await read { db in
            guard let broker = try Self.brokerID(reading: broker, in: db), let newest = try Self.newestBlock(in: db) else { return [] }
            // (`topic.block + 0`: compared bare, the column's affinity keeps SQLite off the index.)
            let newestIn = { (block: String) in
                "(SELECT id FROM message AS m WHERE m.\(Self.messageBlock) = \(block) AND m.topic = topic.id ORDER BY m.time DESC, m.id DESC LIMIT 1)"
            }
            return try Row.fetchAll(db, sql: """
                SELECT topic.name, message.time, message.payload, message.qos, message.retain FROM topic
                JOIN message ON message.id = coalesce(\(newestIn("?")), \(newestIn("topic.block + 0"))) WHERE topic.broker = ? AND message.time >= ?
                """, arguments: [newest, broker, since]).map { row in
                let name: String = row[0]
                let last = MQTTMessage(topic: name, payload: [UInt8](row[2] as Data), qos: MQTTQoS(rawValue: UInt8(clamping: row[3] as Int)) ?? .atMostOnce,
                                       retain: row[4], receivedAt: Date(timeIntervalSince1970: row[1]))
                return RecordedHistory(topic: name, last: last, series: nil)
            }
        }
    }

    public func series(broker: String, of topic: String, since: Double, points: Int) async throws(StoreFailure) -> [RecordedHistory.Field] {
        try await read { db in
            guard let topic = try Self.topic(broker: broker, topic: topic, in: db) else { return [] }
            let id = topic.id
            let minuteStatement = try db.cachedStatement(sql: """
                SELECT minute, min, max, sum, count FROM minute WHERE series = ? AND minute >= ? ORDER BY minute
                """)
            // Each block's newest points, newest first.
            let pointStatement = try db.cachedStatement(sql: """
                SELECT time, value FROM point WHERE block = ? AND series = ? AND time >= ? ORDER BY time DESC, rowid DESC LIMIT ?
                """)
            // The series at path "" lives in the message rows.
            let valueStatement = try db.cachedStatement(sql: """
                SELECT time, value FROM message WHERE \(Self.messageBlock) = ? AND topic = ? AND time >= ? AND value IS NOT NULL
                ORDER BY time DESC, id DESC LIMIT ?
                """)
            let blocks = try Self.blocks(since: since, through: topic.lastBlock, in: db)
            let fields = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, path FROM series WHERE topic = ? ORDER BY id"), arguments: [id])
            return try fields.map { field in
                let seriesID: Int64 = field[0]
                let path: String = field[1]
                let minutes = try Row.fetchAll(minuteStatement, arguments: [seriesID, Int64((since / 60).rounded(.down))]).map {
                    TimeSeries.Minute(minute: $0[0], min: $0[1], max: $0[2], sum: $0[3], count: $0[4])
                }
                let recent = try Self.newest(limit: points, in: blocks) { block, remaining in
                    try Row.fetchAll(path.isEmpty ? valueStatement : pointStatement, arguments: [block, path.isEmpty ? id : seriesID, since, remaining]).map {
                        TimeSeries.Point(time: $0[0], value: $0[1])
                    }
                }
                return (path: path, minutes: minutes, points: recent.reversed())
            }
        }
    }
}
