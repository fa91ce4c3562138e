import Foundation
import GRDB
import MQTT
import TopicModel

// MARK: - Reading

/// A recorded message.
public struct RecordedMessage: Sendable, Hashable {
    public let time: Double
    public let payload: [UInt8]
    public let size: Int
    public let qos: Int
    public let retain: Bool
    /// Its row: the order of messages that share a time.
    public let id: Int64
    /// Its MQTT 5 properties (user properties, content type, …), less the topic alias.
    public let properties: MQTTProperties

    static let columns = "message.time, message.payload, message.size, message.qos, message.retain, message.id, message.properties"

    init(_ row: Row) {
        time = row["time"]
        payload = [UInt8](row["payload"] as Data)
        size = row["size"]
        qos = row["qos"]
        retain = row["retain"]
        id = row["id"]
        // Written by the store itself; a row that does not decode shows without its properties.
        properties = (row["properties"] as Data?).flatMap { try? MQTTProperties(wireBytes: [UInt8]($0)) } ?? MQTTProperties()
    }
}

/// A recorded topic: how many messages it has, and when the first and last arrived.
public struct RecordedTopic: Sendable, Hashable {
    public let name: String
    public let messages: Int
    public let first: Double
    public let last: Double
}

extension HistoryStore {
    /// The points of a topic's series at `path` ("" for a plain number) since `since`, oldest first.
    public func points(topic: String, path: String, since: Double) throws(Failure) -> [(time: Double, value: Double)] {
        try read { db in
            // A payload that is one number keeps its value in the message row.
            let sql = path.isEmpty ? """
                SELECT message.time, message.value FROM message JOIN topic ON topic.id = message.topic
                WHERE topic.name = ? AND message.time >= ? AND message.value IS NOT NULL ORDER BY message.time
                """ : """
                SELECT point.time, point.value FROM point
                JOIN series ON series.id = point.series JOIN topic ON topic.id = series.topic
                WHERE topic.name = ? AND series.path = ? AND point.time >= ? ORDER BY point.time
                """
            let arguments: StatementArguments = path.isEmpty ? [topic, since] : [topic, path, since]
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { ($0[0], $0[1]) }
        }
    }

    /// The JSON paths with points for a topic, in first-recorded order.
    public func paths(topic: String) throws(Failure) -> [String] {
        try read { db in
            try String.fetchAll(db, sql: """
                SELECT series.path FROM series JOIN topic ON topic.id = series.topic WHERE topic.name = ? ORDER BY series.id
                """, arguments: [topic])
        }
    }

    /// A topic's messages since `since`, oldest first.
    public func messages(topic: String, since: Double) throws(Failure) -> [RecordedMessage] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(RecordedMessage.columns) FROM message
                JOIN topic ON topic.id = message.topic WHERE topic.name = ? AND message.time >= ? ORDER BY message.time, message.id
                """, arguments: [topic, since]).map(RecordedMessage.init)
        }
    }

    /// Up to `limit` of a topic's messages before a point, newest first: a page of the history
    /// table, going back. The point is a time and a message id (messages that share a time are
    /// in id order): `id` from the last message of the previous page, or `Int64.max` to start
    /// with every message of `time` itself.
    public func messages(topic: String, before time: Double, id: Int64 = .max, limit: Int) throws(Failure) -> [RecordedMessage] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(RecordedMessage.columns) FROM message
                JOIN topic ON topic.id = message.topic
                WHERE topic.name = ? AND (message.time < ? OR (message.time = ? AND message.id < ?))
                ORDER BY message.time DESC, message.id DESC LIMIT ?
                """, arguments: [topic, time, time, id, limit]).map(RecordedMessage.init)
        }
    }

    /// Every recorded topic, by name.
    public func topics() throws(Failure) -> [RecordedTopic] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT topic.name, count(message.id), min(message.time), max(message.time) FROM topic
                JOIN message ON message.topic = topic.id GROUP BY topic.id ORDER BY topic.name
                """).map { RecordedTopic(name: $0[0], messages: $0[1], first: $0[2], last: $0[3]) }
        }
    }

    func read<Value>(_ body: (Database) throws -> Value) throws(Failure) -> Value {
        do {
            return try pool.read(body)
        } catch {
            throw .cannotOpen(path: path, reason: Self.describe(error))
        }
    }
}

/// One minute of a series: its minimum, maximum, sum and count.
public struct RecordedMinute: Sendable, Hashable {
    public let minute: Int64
    public let min: Double
    public let max: Double
    public let sum: Double
    public let count: Int
}

extension HistoryStore {
    /// The per-minute aggregates of a topic's series at `path` since `since`, oldest first.
    public func minutes(topic: String, path: String, since: Double) throws(Failure) -> [RecordedMinute] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT minute.minute, minute.min, minute.max, minute.sum, minute.count FROM minute
                JOIN series ON series.id = minute.series JOIN topic ON topic.id = series.topic
                WHERE topic.name = ? AND series.path = ? AND minute.minute >= ? ORDER BY minute.minute
                """, arguments: [topic, path, Int64((since / 60).rounded(.down))]).map {
                RecordedMinute(minute: $0[0], min: $0[1], max: $0[2], sum: $0[3], count: $0[4])
            }
        }
    }

    /// Records a migration this version does not know, as a newer Hearth would have.
    package func markAppliedForTesting(_ identifier: String) throws {
        try pool.write { try $0.execute(sql: "INSERT INTO grdb_migrations (identifier) VALUES (?)", arguments: [identifier]) }
    }
}

// MARK: - What a dashboard opens on

extension HistoryStore {
    /// Every topic heard since `since`, with its newest message (found from the end of the
    /// topic's index: a lookup, not a count of its rows); its series are not read yet
    /// (`series == nil`): the dashboard asks for them with `series(of:since:)` as topics come
    /// on screen.
    public func latest(since: Double) throws(Failure) -> [RecordedHistory] {
        try read { db in
            try Row.fetchAll(db, sql: """
                SELECT topic.name, message.time, message.payload, message.qos, message.retain FROM topic
                JOIN message ON message.id = (SELECT id FROM message WHERE message.topic = topic.id ORDER BY time DESC, id DESC LIMIT 1)
                WHERE message.time >= ?
                """, arguments: [since]).map { row in
                let name: String = row[0]
                let last = MQTTMessage(topic: name, payload: [UInt8](row[2] as Data), qos: MQTTQoS(rawValue: UInt8(clamping: row[3] as Int)) ?? .atMostOnce,
                                       retain: row[4], receivedAt: Date(timeIntervalSince1970: row[1]))
                return RecordedHistory(topic: name, last: last, series: nil)
            }
        }
    }

    /// Each series of `topic` since `since`: its per-minute aggregates, and its newest `points`
    /// raw points (both oldest first). Empty for a topic with no numbers, or none recorded.
    public func series(of topic: String, since: Double, points: Int = TimeSeries.pointCapacity) throws(Failure) -> [RecordedHistory.Field] {
        try read { db in
            guard let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM topic WHERE name = ?"), arguments: [topic]) else { return [] }
            let minuteStatement = try db.cachedStatement(sql: """
                SELECT minute, min, max, sum, count FROM minute WHERE series = ? AND minute >= ? ORDER BY minute
                """)
            let pointStatement = try db.cachedStatement(sql: """
                SELECT time, value FROM (SELECT time, value FROM point WHERE series = ? AND time >= ? ORDER BY time DESC LIMIT ?)
                ORDER BY time
                """)
            // The series at path "" lives in the message rows.
            let valueStatement = try db.cachedStatement(sql: """
                SELECT time, value FROM (SELECT time, value FROM message WHERE topic = ? AND time >= ? AND value IS NOT NULL
                ORDER BY time DESC LIMIT ?) ORDER BY time
                """)
            let fields = try Row.fetchAll(db.cachedStatement(sql: "SELECT id, path FROM series WHERE topic = ? ORDER BY id"), arguments: [id])
            return try fields.map { field in
                let seriesID: Int64 = field[0]
                let path: String = field[1]
                let minutes = try Row.fetchAll(minuteStatement, arguments: [seriesID, Int64((since / 60).rounded(.down))]).map {
                    TimeSeries.Minute(minute: $0[0], min: $0[1], max: $0[2], sum: $0[3], count: $0[4])
                }
                let recent = try Row.fetchAll(path.isEmpty ? valueStatement : pointStatement,
                                              arguments: [path.isEmpty ? id : seriesID, since, points]).map {
                    TimeSeries.Point(time: $0[0], value: $0[1])
                }
                return (path: path, minutes: minutes, points: recent)
            }
        }
    }
}
