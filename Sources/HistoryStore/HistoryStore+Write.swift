import Foundation
import GRDB
import MQTT
import TopicModel

// MARK: - Writing batches

extension HistoryStore {
    /// Payloads above this are stored cut (their true size is kept).
    public static let payloadCap = 64 * 1024

    /// Writes a batch of messages in one transaction: the messages, their numbers (in the
    /// message row for a payload that is one number, as points for JSON fields), and
    /// the per-minute aggregates. All or nothing: a failed batch can be written again.
    public func write(_ messages: [MQTTMessage]) throws(Failure) {
        guard !messages.isEmpty else { return }
        do {
            // Taken out for the transaction (writes are serialized), put back only if it commits:
            // a rolled-back id must not be remembered.
            var cache = ids.withLock { cache in
                defer { cache = IDCache() }
                return cache
            }
            try pool.write { db in
                var topics = cache.topics
                var series = cache.series
                defer { cache = IDCache(topics: topics, series: series) }
                var numbers: [(path: String, value: Double)] = []
                // The batch's minutes, folded in memory: one upsert per (series, minute), not per point.
                var minutes: [MinuteKey: MinuteTotals] = [:]
                let insertMessage = try db.cachedStatement(
                    sql: "INSERT INTO message (topic, time, payload, size, qos, retain, value, properties) VALUES (?, ?, ?, ?, ?, ?, ?, ?)")
                let insertPoint = try db.cachedStatement(sql: "INSERT INTO point (series, time, value) VALUES (?, ?, ?)")
                for message in messages {
                    let topic = try topicID(message.topic, in: db, cache: &topics)
                    let time = message.receivedAt.timeIntervalSince1970
                    let payload = message.payload.count > Self.payloadCap ? Array(message.payload.prefix(Self.payloadCap)) : message.payload
                    // A state word (ON, closed) is a state, not a reading: kept as a message only.
                    numbers.removeAll(keepingCapacity: true)
                    if !NumberExtractor.isStateWord(message.payload) {
                        NumberExtractor.numbers(in: message.payload, into: &numbers)
                    }
                    let plain = numbers.count == 1 && numbers[0].path.isEmpty ? numbers[0].value : nil
                    try insertMessage.execute(arguments: [topic, time, Data(payload), message.payload.count,
                                                          Int(message.qos.rawValue), message.retain, plain, Self.kept(message.properties)])
                    for (path, value) in numbers {
                        let id = try seriesID(topic: topic, path: path, in: db, cache: &series)
                        if plain == nil { try insertPoint.execute(arguments: [id, time, value]) }
                        minutes[MinuteKey(series: id, minute: Int64((time / 60).rounded(.down))), default: MinuteTotals()].add(value)
                    }
                }
                let upsertMinute = try db.cachedStatement(sql: """
                    INSERT INTO minute (series, minute, min, max, sum, count) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT (series, minute) DO UPDATE SET
                      min = min(min, excluded.min), max = max(max, excluded.max),
                      sum = sum + excluded.sum, count = count + excluded.count
                    """)
                for (key, totals) in minutes {
                    try upsertMinute.execute(arguments: [key.series, key.minute, totals.min, totals.max, totals.sum, totals.count])
                }
            }
            let committed = cache
            ids.withLock { $0 = committed }
        } catch {
            throw .writeFailed(path: path, reason: Self.describe(error))
        }
    }

    /// A message's v5 properties as kept: MQTT's encoding, less the topic alias (which means
    /// something only on the connection it came on); nil when there are none.
    private static func kept(_ properties: MQTTProperties) -> Data? {
        guard !properties.isEmpty else { return nil }
        var kept = properties
        kept.remove(.topicAlias)
        return kept.isEmpty ? nil : Data(kept.wireBytes)
    }

    private struct MinuteKey: Hashable {
        let series: Int64
        let minute: Int64
    }

    private struct MinuteTotals {
        var min = Double.infinity, max = -Double.infinity, sum = 0.0, count = 0
        mutating func add(_ value: Double) {
            min = Swift.min(min, value)
            max = Swift.max(max, value)
            sum += value
            count += 1
        }
    }

    private func topicID(_ name: String, in db: Database, cache: inout [String: Int64]) throws -> Int64 {
        if let id = cache[name] { return id }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO topic (name) VALUES (?)").execute(arguments: [name])
        let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM topic WHERE name = ?"), arguments: [name]) ?? 0
        cache[name] = id
        return id
    }

    private func seriesID(topic: Int64, path: String, in db: Database, cache: inout [String: Int64]) throws -> Int64 {
        let key = "\(topic)\u{0}\(path)"
        if let id = cache[key] { return id }
        try db.cachedStatement(sql: "INSERT OR IGNORE INTO series (topic, path) VALUES (?, ?)").execute(arguments: [topic, path])
        let id = try Int64.fetchOne(db.cachedStatement(sql: "SELECT id FROM series WHERE topic = ? AND path = ?"),
                                    arguments: [topic, path]) ?? 0
        cache[key] = id
        return id
    }
}
