import Foundation
import GRDB
import MQTT
import TopicModel

// MARK: - Writing batches

extension HistoryStore {
    /// Payloads above this are stored cut (their true size is kept).
    public static let payloadCap = 64 * 1024

    /// Writes a batch of messages in one transaction: the messages, their numbers as points, and
    /// the per-minute aggregates. All or nothing: a failed batch can be written again.
    public func write(_ messages: [MQTTMessage]) throws(Failure) {
        guard !messages.isEmpty else { return }
        do {
            try pool.write { db in
                var topics: [String: Int64] = [:]
                var series: [String: Int64] = [:]
                var numbers: [(path: String, value: Double)] = []
                for message in messages {
                    let topic = try topicID(message.topic, in: db, cache: &topics)
                    let time = message.receivedAt.timeIntervalSince1970
                    try db.execute(
                        sql: "INSERT INTO message (topic, time, payload, size, qos, retain) VALUES (?, ?, ?, ?, ?, ?)",
                        arguments: [topic, time, Data(message.payload.prefix(Self.payloadCap)), message.payload.count,
                                    Int(message.qos.rawValue), message.retain])
                    // A state word (ON, closed) is a state, not a reading: kept as a message only.
                    if NumberExtractor.isStateWord(message.payload) { continue }
                    NumberExtractor.numbers(in: message.payload, into: &numbers)
                    for (path, value) in numbers {
                        let id = try seriesID(topic: topic, path: path, in: db, cache: &series)
                        try db.execute(sql: "INSERT INTO point (series, time, value) VALUES (?, ?, ?)", arguments: [id, time, value])
                        try db.execute(sql: """
                            INSERT INTO minute (series, minute, min, max, sum, count) VALUES (?, ?, ?, ?, ?, 1)
                            ON CONFLICT (series, minute) DO UPDATE SET
                              min = min(min, excluded.min), max = max(max, excluded.max),
                              sum = sum + excluded.sum, count = count + 1
                            """, arguments: [id, Int64((time / 60).rounded(.down)), value, value, value])
                    }
                }
            }
        } catch {
            throw .writeFailed(path: path, reason: Self.describe(error))
        }
    }

    private func topicID(_ name: String, in db: Database, cache: inout [String: Int64]) throws -> Int64 {
        if let id = cache[name] { return id }
        try db.execute(sql: "INSERT OR IGNORE INTO topic (name) VALUES (?)", arguments: [name])
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM topic WHERE name = ?", arguments: [name]) ?? 0
        cache[name] = id
        return id
    }

    private func seriesID(topic: Int64, path: String, in db: Database, cache: inout [String: Int64]) throws -> Int64 {
        let key = "\(topic)\u{0}\(path)"
        if let id = cache[key] { return id }
        try db.execute(sql: "INSERT OR IGNORE INTO series (topic, path) VALUES (?, ?)", arguments: [topic, path])
        let id = try Int64.fetchOne(db, sql: "SELECT id FROM series WHERE topic = ? AND path = ?", arguments: [topic, path]) ?? 0
        cache[key] = id
        return id
    }
}
