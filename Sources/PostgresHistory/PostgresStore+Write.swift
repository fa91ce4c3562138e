import Foundation
import HistoryStore
import MQTT
import PostgresNIO

// MARK: - Writing batches

extension PostgresStore {
    /// Bytes of COPY data sent at a time.
    static let copyChunk = 1 << 20

    /// Writes a batch in one transaction: its messages and points by COPY, and its per-minute
    /// aggregates upserted once per (series, minute). Topic and series ids are made before
    /// the transaction (and kept, committed or not: an id is only ever added).
    public func write(_ messages: [MQTTMessage], broker: String) async throws(StoreFailure) {
        let batch = StoredBatch(messages)
        guard !batch.rows.isEmpty else { return }
        do {
            try await asTheWriter {
                let connection = try await writeConnection()
                let brokerID = try await brokerID(broker, on: connection)
                let topics = try await topicIDs(Set(batch.rows.map(\.topic)), broker: brokerID, on: connection)
                // In the order the batch first had them: `paths` reads them by id.
                var wanted: [SeriesKey] = []
                var seen = Set<SeriesKey>()
                for row in batch.rows {
                    guard let topic = topics[row.topic] else { continue }
                    let keys = (row.value != nil ? [""] : []) + row.points.map(\.path)
                    for path in keys where seen.insert(SeriesKey(topic: topic, path: path)).inserted {
                        wanted.append(SeriesKey(topic: topic, path: path))
                    }
                }
                let series = try await seriesIDs(wanted, on: connection)
                try await ensurePartitions(for: batch.rows.map(\.time), on: connection)
                _ = try await connection.withTransaction(logger: logger) { connection in
                    try await copy(batch, topics: topics, series: series, on: connection)
                    try await upsertMinutes(batch, topics: topics, series: series, on: connection)
                }
            }
        } catch {
            throw .writeFailed(store: location, reason: Self.describe(error))
        }
    }

    private func copy(_ batch: StoredBatch, topics: [String: Int64], series: [SeriesKey: Int64], on connection: PostgresConnection) async throws {
        try await connection.copyFrom(table: "message", columns: ["topic", "time", "payload", "size", "qos", "retain", "value", "properties"],
                                      logger: logger) { writer in
            var text = CopyText(capacity: Self.copyChunk + 256 * 1024)
            for row in batch.rows {
                text.field(topics[row.topic] ?? 0)
                text.field(row.time)
                text.field(bytes: row.payload)
                text.field(row.size)
                text.field(row.qos)
                text.field(row.retain)
                text.field(row.value)
                text.field(bytes: row.properties)
                text.endRow()
                if text.buffer.readableBytes >= Self.copyChunk {
                    try await writer.write(text.buffer)
                    text.clear()
                }
            }
            if text.buffer.readableBytes > 0 { try await writer.write(text.buffer) }
        }
        guard batch.rows.contains(where: { !$0.points.isEmpty }) else { return }
        try await connection.copyFrom(table: "point", columns: ["series", "time", "value"], logger: logger) { writer in
            var text = CopyText(capacity: Self.copyChunk + 4096)
            for row in batch.rows {
                for point in row.points {
                    text.field(topics[row.topic].flatMap { series[SeriesKey(topic: $0, path: point.path)] } ?? 0)
                    text.field(row.time)
                    text.field(point.value)
                    text.endRow()
                }
                if text.buffer.readableBytes >= Self.copyChunk {
                    try await writer.write(text.buffer)
                    text.clear()
                }
            }
            if text.buffer.readableBytes > 0 { try await writer.write(text.buffer) }
        }
    }

    private func upsertMinutes(_ batch: StoredBatch, topics: [String: Int64], series: [SeriesKey: Int64],
                               on connection: PostgresConnection) async throws {
        guard !batch.minutes.isEmpty else { return }
        var ids: [Int64] = [], minutes: [Int64] = [], mins: [Double] = [], maxes: [Double] = [], sums: [Double] = [], counts: [Int64] = []
        for (key, totals) in batch.minutes {
            guard let topic = topics[key.topic], let id = series[SeriesKey(topic: topic, path: key.path)] else { continue }
            ids.append(id)
            minutes.append(key.minute)
            mins.append(totals.min)
            maxes.append(totals.max)
            sums.append(totals.sum)
            counts.append(Int64(totals.count))
        }
        try await connection.query("""
            INSERT INTO minute (series, minute, min, max, sum, count)
            SELECT * FROM unnest(\(ids)::bigint[], \(minutes)::bigint[], \(mins)::float8[], \(maxes)::float8[], \(sums)::float8[], \(counts)::bigint[])
            ON CONFLICT (series, minute) DO UPDATE SET
              min = least(minute.min, excluded.min), max = greatest(minute.max, excluded.max),
              sum = minute.sum + excluded.sum, count = minute.count + excluded.count
            """, logger: logger)
    }

    // MARK: Ids

    private func brokerID(_ name: String, on connection: PostgresConnection) async throws -> Int32 {
        if let id = brokerIDs[name] { return id }
        try await connection.query("INSERT INTO broker (name) VALUES (\(name)) ON CONFLICT DO NOTHING", logger: logger)
        let id = try await connection.query("SELECT id FROM broker WHERE name = \(name)", logger: logger).collect().first?.decode(Int32.self) ?? 0
        brokerIDs[name] = id
        return id
    }

    /// The ids of `names` under `broker`, made for those not in the database yet: two
    /// statements for all the batch's new topics.
    private func topicIDs(_ names: Set<String>, broker: Int32, on connection: PostgresConnection) async throws -> [String: Int64] {
        var ids: [String: Int64] = [:]
        var missing: [String] = []
        for name in names {
            if let id = topicIDs[TopicKey(broker: broker, name: name)] { ids[name] = id } else { missing.append(name) }
        }
        guard !missing.isEmpty else { return ids }
        try await connection.query("""
            INSERT INTO topic (broker, name) SELECT \(broker), unnest(\(missing)::text[]) ON CONFLICT DO NOTHING
            """, logger: logger)
        for try await (id, name) in try await connection.query("""
            SELECT id, name FROM topic WHERE broker = \(broker) AND name = ANY(\(missing)::text[])
            """, logger: logger).decode((Int64, String).self) {
            ids[name] = id
            topicIDs[TopicKey(broker: broker, name: name)] = id
        }
        return ids
    }

    /// The ids of `keys`, made (in their order) for those not in the database yet.
    private func seriesIDs(_ keys: [SeriesKey], on connection: PostgresConnection) async throws -> [SeriesKey: Int64] {
        var ids: [SeriesKey: Int64] = [:]
        var topics: [Int64] = [], paths: [String] = []
        for key in keys {
            if let id = seriesIDs[key] {
                ids[key] = id
            } else {
                topics.append(key.topic)
                paths.append(key.path)
            }
        }
        guard !topics.isEmpty else { return ids }
        try await connection.query("""
            INSERT INTO series (topic, path) SELECT * FROM unnest(\(topics)::bigint[], \(paths)::text[]) ON CONFLICT DO NOTHING
            """, logger: logger)
        for try await (id, topic, path) in try await connection.query("""
            SELECT series.id, series.topic, series.path FROM series
            JOIN unnest(\(topics)::bigint[], \(paths)::text[]) AS wanted (topic, path) ON series.topic = wanted.topic AND series.path = wanted.path
            """, logger: logger).decode((Int64, Int64, String).self) {
            let key = SeriesKey(topic: topic, path: path)
            ids[key] = id
            seriesIDs[key] = id
        }
        return ids
    }

    // MARK: Partitions

    /// The day partitions of messages and points for `times`, and today's and tomorrow's, made
    /// ahead under a lock (recorders may start a day together).
    private func ensurePartitions(for times: [Double], on connection: PostgresConnection) async throws {
        let today = Self.day(of: Date().timeIntervalSince1970)
        let days = Set(times.map(Self.day(of:))).union([today, today + 1]).subtracting(partitionDays)
        guard !days.isEmpty else { return }
        _ = try await connection.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.lockKey))", logger: logger)
            for day in days.sorted() {
                let from = Double(day * 86_400), to = Double((day + 1) * 86_400)
                for table in ["message", "point"] {
                    // The name is made of digits only: never from input.
                    try await connection.query(PostgresQuery(unsafeSQL: """
                        CREATE TABLE IF NOT EXISTS \(table)_\(Self.partitionSuffix(day: day)) PARTITION OF \(table) FOR VALUES FROM (\(from)) TO (\(to))
                        """), logger: logger)
                }
            }
        }
        partitionDays.formUnion(days)
    }

    /// Days since 1970 (UTC).
    static func day(of time: Double) -> Int64 { Int64((time / 86_400).rounded(.down)) }

    /// `20261205` for a day: partitions read as dates.
    static func partitionSuffix(day: Int64) -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        let parts = calendar.dateComponents([.year, .month, .day], from: Date(timeIntervalSince1970: Double(day) * 86_400))
        return String(format: "%04d%02d%02d", parts.year ?? 1970, parts.month ?? 1, parts.day ?? 1)
    }
}
