import Foundation
import HistoryStore
import MQTT
import PostgresNIO
import TopicModel

// MARK: - Reading

extension PostgresStore {
    /// Runs a read on the reading connection; a failure is one line.
    private func reading<Value>(_ body: (PostgresConnection) async throws -> Value) async throws(StoreFailure) -> Value {
        do {
            return try await body(readConnection())
        } catch {
            throw .cannotOpen(store: location, reason: Self.describe(error))
        }
    }

    /// The rows of a message query whose columns are `messageColumns`.
    private static let messageColumns = "m.time, m.payload, m.size, m.qos, m.retain, m.id, m.properties"
    private typealias MessageColumns = (Double, ByteBuffer, Int32, Int16, Bool, Int64, ByteBuffer?)

    private static func message(_ row: MessageColumns) -> RecordedMessage {
        RecordedMessage(time: row.0, payload: Array(row.1.readableBytesView), size: Int(row.2), qos: Int(row.3), retain: row.4, id: row.5,
                        properties: RecordedMessage.properties(stored: row.6.map { Array($0.readableBytesView) }))
    }

    private func collect<Value: PostgresDecodable>(_ query: PostgresQuery, as type: Value.Type) async throws(StoreFailure) -> [Value] {
        try await reading { connection in
            var values: [Value] = []
            for try await row in try await connection.query(query, logger: logger) { values.append(try row.decode(Value.self)) }
            return values
        }
    }

    // PostgresRow.decode of a tuple needs the tuple spelled out; these wrap the common ones.
    private func messages(_ query: PostgresQuery) async throws(StoreFailure) -> [RecordedMessage] {
        try await reading { connection in
            var values: [RecordedMessage] = []
            for try await row in try await connection.query(query, logger: logger).decode(MessageColumns.self) { values.append(Self.message(row)) }
            return values
        }
    }

    private func pairs(_ query: PostgresQuery) async throws(StoreFailure) -> [(Double, Double)] {
        try await reading { connection in
            var values: [(Double, Double)] = []
            for try await row in try await connection.query(query, logger: logger).decode((Double, Double).self) { values.append(row) }
            return values
        }
    }

    /// The topic's id under `broker`, or nil when it was never recorded.
    private func topicID(broker: String, topic: String) async throws(StoreFailure) -> Int64? {
        try await collect("SELECT t.id FROM topic t JOIN broker b ON b.id = t.broker WHERE b.name = \(broker) AND t.name = \(topic)",
                          as: Int64.self).first
    }

    public func points(broker: String, topic: String, path: String, since: Double) async throws(StoreFailure) -> [(time: Double, value: Double)] {
        guard let topic = try await topicID(broker: broker, topic: topic) else { return [] }
        // A payload that is one number keeps its value in the message row.
        let rows = path.isEmpty
            ? try await pairs("SELECT time, value FROM message WHERE topic = \(topic) AND time >= \(since) AND value IS NOT NULL ORDER BY time")
            : try await pairs("""
                SELECT p.time, p.value FROM point p JOIN series s ON s.id = p.series
                WHERE s.topic = \(topic) AND s.path = \(path) AND p.time >= \(since) ORDER BY p.time
                """)
        return rows.map { (time: $0.0, value: $0.1) }
    }

    public func brokers() async throws(StoreFailure) -> [String] {
        try await collect("SELECT name FROM broker ORDER BY name", as: String.self)
    }

    public func paths(broker: String, topic: String) async throws(StoreFailure) -> [String] {
        guard let topic = try await topicID(broker: broker, topic: topic) else { return [] }
        return try await collect("SELECT path FROM series WHERE topic = \(topic) ORDER BY id", as: String.self)
    }

    public func messages(broker: String, topic: String, since: Double) async throws(StoreFailure) -> [RecordedMessage] {
        guard let topic = try await topicID(broker: broker, topic: topic) else { return [] }
        return try await messages("""
            SELECT \(unescaped: Self.messageColumns) FROM message m WHERE m.topic = \(topic) AND m.time >= \(since) ORDER BY m.time, m.id
            """)
    }

    public func messages(broker: String, topic: String, before time: Double, id: Int64, limit: Int) async throws(StoreFailure) -> [RecordedMessage] {
        guard let topic = try await topicID(broker: broker, topic: topic) else { return [] }
        return try await messages("""
            SELECT \(unescaped: Self.messageColumns) FROM message m
            WHERE m.topic = \(topic) AND (m.time < \(time) OR (m.time = \(time) AND m.id < \(id))) ORDER BY m.time DESC, m.id DESC LIMIT \(limit)
            """)
    }

    public func topics(broker: String?) async throws(StoreFailure) -> [RecordedTopic] {
        try await reading { connection in
            var topics: [RecordedTopic] = []
            let query: PostgresQuery = """
                SELECT b.name, t.name, count(*), min(m.time), max(m.time) FROM message m
                JOIN topic t ON t.id = m.topic JOIN broker b ON b.id = t.broker
                WHERE \(broker == nil) OR b.name = \(broker ?? "")
                GROUP BY b.name, t.name ORDER BY b.name, t.name
                """
            for try await (brokerName, name, count, first, last) in try await connection.query(query, logger: logger)
                .decode((String, String, Int64, Double, Double).self) {
                topics.append(RecordedTopic(broker: brokerName, name: name, messages: Int(count), first: first, last: last))
            }
            return topics
        }
    }

    public func minutes(broker: String, topic: String, path: String, since: Double) async throws(StoreFailure) -> [RecordedMinute] {
        guard let topic = try await topicID(broker: broker, topic: topic) else { return [] }
        return try await reading { connection in
            var minutes: [RecordedMinute] = []
            for try await (minute, low, high, sum, count) in try await connection.query("""
                SELECT n.minute, n.min, n.max, n.sum, n.count FROM minute n JOIN series s ON s.id = n.series
                WHERE s.topic = \(topic) AND s.path = \(path) AND n.minute >= \(Int64((since / 60).rounded(.down))) ORDER BY n.minute
                """, logger: logger).decode((Int64, Double, Double, Double, Int64).self) {
                minutes.append(RecordedMinute(minute: minute, min: low, max: high, sum: sum, count: Int(count)))
            }
            return minutes
        }
    }

    // MARK: What a dashboard opens on

    /// Each topic's newest message since `since`, found from the end of its index.
    public func latest(broker: String, since: Double) async throws(StoreFailure) -> [RecordedHistory] {
        try await reading { connection in
            var latest: [RecordedHistory] = []
            for try await (name, time, payload, qos, retain) in try await connection.query("""
                SELECT t.name, m.time, m.payload, m.qos, m.retain FROM topic t JOIN broker b ON b.id = t.broker
                CROSS JOIN LATERAL (SELECT time, payload, qos, retain FROM message WHERE message.topic = t.id AND time >= \(since)
                                    ORDER BY time DESC, id DESC LIMIT 1) m
                WHERE b.name = \(broker)
                """, logger: logger).decode((String, Double, ByteBuffer, Int16, Bool).self) {
                let last = MQTTMessage(topic: name, payload: Array(payload.readableBytesView), qos: MQTTQoS(rawValue: UInt8(clamping: qos)) ?? .atMostOnce,
                                       retain: retain, receivedAt: Date(timeIntervalSince1970: time))
                latest.append(RecordedHistory(topic: name, last: last, series: nil))
            }
            return latest
        }
    }

    public func series(broker: String, of topic: String, since: Double, points: Int) async throws(StoreFailure) -> [RecordedHistory.Field] {
        guard let topic = try await topicID(broker: broker, topic: topic) else { return [] }
        let fields = try await reading { connection in
            var fields: [(Int64, String)] = []
            for try await row in try await connection.query("SELECT id, path FROM series WHERE topic = \(topic) ORDER BY id", logger: logger)
                .decode((Int64, String).self) { fields.append(row) }
            return fields
        }
        var result: [RecordedHistory.Field] = []
        for (id, path) in fields {
            let minutes = try await reading { connection in
                var minutes: [TimeSeries.Minute] = []
                for try await (minute, low, high, sum, count) in try await connection.query("""
                    SELECT minute, min, max, sum, count FROM minute WHERE series = \(id) AND minute >= \(Int64((since / 60).rounded(.down))) ORDER BY minute
                    """, logger: logger).decode((Int64, Double, Double, Double, Int64).self) {
                    minutes.append(TimeSeries.Minute(minute: minute, min: low, max: high, sum: sum, count: Int(count)))
                }
                return minutes
            }
            // The series at path "" lives in the message rows.
            let recent = path.isEmpty
                ? try await pairs("""
                    SELECT time, value FROM (SELECT time, value FROM message WHERE topic = \(topic) AND time >= \(since) AND value IS NOT NULL
                    ORDER BY time DESC LIMIT \(points)) r ORDER BY time
                    """)
                : try await pairs("""
                    SELECT time, value FROM (SELECT time, value FROM point WHERE series = \(id) AND time >= \(since) ORDER BY time DESC LIMIT \(points)) r
                    ORDER BY time
                    """)
            result.append((path: path, minutes: minutes, points: recent.map { TimeSeries.Point(time: $0.0, value: $0.1) }))
        }
        return result
    }

    // MARK: Reading for a replay

    public func messages(broker: String, from since: Double, until: Double, after cursor: (time: Double, id: Int64)?,
                         limit: Int) async throws(StoreFailure) -> [(topic: String, message: RecordedMessage)] {
        let (time, id) = cursor ?? (since, Int64.min)
        return try await reading { connection in
            var page: [(topic: String, message: RecordedMessage)] = []
            for try await (name, a, b, c, d, e, f, g) in try await connection.query("""
                SELECT t.name, \(unescaped: Self.messageColumns) FROM message m JOIN topic t ON t.id = m.topic JOIN broker br ON br.id = t.broker
                WHERE br.name = \(broker) AND m.time >= \(since) AND m.time < \(until) AND (m.time > \(time) OR (m.time = \(time) AND m.id > \(id)))
                ORDER BY m.time, m.id LIMIT \(limit)
                """, logger: logger).decode((String, Double, ByteBuffer, Int32, Int16, Bool, Int64, ByteBuffer?).self) {
                page.append((topic: name, message: Self.message((a, b, c, d, e, f, g))))
            }
            return page
        }
    }

    public func messageCount(broker: String, from since: Double, until: Double) async throws(StoreFailure) -> Int {
        try await collect("""
            SELECT count(*) FROM message m JOIN topic t ON t.id = m.topic JOIN broker b ON b.id = t.broker
            WHERE b.name = \(broker) AND m.time >= \(since) AND m.time < \(until)
            """, as: Int64.self).first.map(Int.init) ?? 0
    }
}
