import Foundation
import HistoryStore
import MQTT
import PostgresNIO

// MARK: - Writing batches

extension PostgresStore {
    /// The longest a batch may take before its connection is given up.
    static let writeDeadline = Duration.seconds(60)

    /// Bytes of COPY data sent at a time: small, so the server parses one chunk while the next
    /// is encoded (a batch in one piece left one side idle while the other worked).
    static let copyChunk = 64 * 1024

    /// Writes a batch in one transaction: its messages and points by COPY, and the per-minute
    /// aggregates of the minutes that ended (`PostgresStore+Minutes`). Topic and series ids are
    /// made before the transaction (and kept, committed or not: an id is only ever added).
    public func write(_ batch: StoredBatch, broker: String) async throws(StoreFailure) {
        guard !batch.rows.isEmpty else { return }
        do {
            try await asTheWriter {
                let connection = try await writeConnection()
                let brokerID = try await brokerID(broker, on: connection)
                let topics = try await topicIDs(batch.topics, broker: brokerID, on: connection)
                // In the order the batch first had them: `paths` reads them by id. A plain number's
                // series is looked for once per topic, not once per row.
                var wanted: [SeriesKey] = []
                var seen = Set<SeriesKey>(minimumCapacity: batch.topics.count)
                var plain = [Bool](repeating: false, count: topics.count)
                for row in batch.rows {
                    let topic = topics[row.topic]
                    if row.value != nil, !plain[row.topic] {
                        plain[row.topic] = true
                        if seen.insert(SeriesKey(topic: topic, path: "")).inserted { wanted.append(SeriesKey(topic: topic, path: "")) }
                    }
                    for point in batch.points[row.points] where seen.insert(SeriesKey(topic: topic, path: point.path)).inserted {
                        wanted.append(SeriesKey(topic: topic, path: point.path))
                    }
                }
                let series = try await seriesIDs(wanted, on: connection)
                try await ensurePartitions(for: batch.rows.map(\.time), on: connection)
                try await recoverMinutes(broker: brokerID, on: connection)
                let minutes = self.minutes.after(batch, broker: Int64(brokerID)) { series[SeriesKey(topic: topics[$0.topic], path: $0.path)] }
                let ids = try await messageIDs(batch.rows.count, on: connection)
                // A server that stops answering (a network cut) would hold the batch for as long
                // as TCP retries: past the deadline the connection is closed, and the batch fails.
                let deadline = Task { [connection] in
                    try await Task.sleep(for: Self.writeDeadline)
                    try? await connection.close()
                }
                defer { deadline.cancel() }
                _ = try await connection.withTransaction(logger: logger) { connection in
                    try await copy(batch, ids: ids, topics: topics, series: series, on: connection)
                    try await upsert(minutes.due, on: connection)
                    // The mark moves when a minute ends, not with every batch.
                    if minutes.before != self.minutes.writtenBefore[Int64(brokerID)] {
                        try await saveMinutesWrittenBefore(minutes.before, broker: brokerID, on: connection)
                    }
                }
                // Committed: the minutes that ended are in the database.
                self.minutes.open = minutes.open
                self.minutes.writtenBefore[Int64(brokerID)] = minutes.before
            }
        } catch {
            throw .writeFailed(store: location, reason: Self.describe(error))
        }
    }

    /// `count` new message ids in arrival order, from blocks of the `message_block` sequence
    /// (one number for a batch, whatever its size, and never the same as another writer's).
    private func messageIDs(_ count: Int, on connection: PostgresConnection) async throws -> [Int64] {
        let blocks = (Int64(count) + PostgresSchema.idBlock - 1) / PostgresSchema.idBlock
        var starts: [Int64] = []
        for try await block in try await connection.query("SELECT nextval('message_block') FROM generate_series(1, \(blocks))", logger: logger)
            .decode(Int64.self) { starts.append(block * PostgresSchema.idBlock) }
        guard starts.count == blocks else { throw PostgresStoreError("the database gave \(starts.count) id blocks for \(blocks)") }
        return (0..<count).map { starts[$0 / Int(PostgresSchema.idBlock)] + Int64($0) % PostgresSchema.idBlock }
    }

    /// - Parameters:
    ///   - ids: each row's message id.
    ///   - topics: the id of each of the batch's topics, by its index.
    private func copy(_ batch: StoredBatch, ids: [Int64], topics: [Int64], series: [SeriesKey: Int64], on connection: PostgresConnection) async throws {
        try await connection.copyFrom(table: "message", columns: ["id", "topic", "time", "payload", "size", "qos", "retain", "value", "properties"],
                                      logger: logger) { writer in
            var text = CopyText(capacity: Self.copyChunk + StoredBatch.payloadCap * 2 + 1024)
            // In topic order, so the per-topic index takes its entries page by page rather than
            // all over (measured: a tenth less time for a batch that touches every topic).
            let order = batch.rows.indices.sorted { (topics[batch.rows[$0].topic], $0) < (topics[batch.rows[$1].topic], $1) }
            for index in order {
                let row = batch.rows[index]
                text.field(ids[index])
                text.field(topics[row.topic])
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
            var text = CopyText(capacity: Self.copyChunk + 1024)
            for row in batch.rows {
                for point in batch.points[row.points] {
                    guard let id = series[SeriesKey(topic: topics[row.topic], path: point.path)] else {
                        throw PostgresStoreError("no series id for \(point.path) of topic \(topics[row.topic])")
                    }
                    text.field(id)
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

    // MARK: Ids

    func brokerID(_ name: String, on connection: PostgresConnection) async throws -> Int32 {
        if let id = brokerIDs[name] { return id }
        try await connection.query("INSERT INTO broker (name) VALUES (\(name)) ON CONFLICT DO NOTHING", logger: logger)
        let id = try await connection.query("SELECT id FROM broker WHERE name = \(name)", logger: logger).collect().first?.decode(Int32.self) ?? 0
        brokerIDs[name] = id
        return id
    }

    /// The ids of `names` under `broker`, in their order, made for those not in the database
    /// yet: two statements for all the batch's new topics.
    private func topicIDs(_ names: [String], broker: Int32, on connection: PostgresConnection) async throws -> [Int64] {
        var missing: [String] = []
        for name in names where topicIDs[TopicKey(broker: broker, name: name)] == nil { missing.append(name) }
        if !missing.isEmpty { try await makeTopics(missing, broker: broker, on: connection) }
        return try names.map { name in
            guard let id = topicIDs[TopicKey(broker: broker, name: name)] else { throw PostgresStoreError("no topic id for \(name)") }
            return id
        }
    }

    private func makeTopics(_ missing: [String], broker: Int32, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO topic (broker, name) SELECT \(broker), unnest(\(missing)::text[]) ON CONFLICT DO NOTHING
            """, logger: logger)
        for try await (id, name) in try await connection.query("""
            SELECT id, name FROM topic WHERE broker = \(broker) AND name = ANY(\(missing)::text[])
            """, logger: logger).decode((Int64, String).self) {
            topicIDs[TopicKey(broker: broker, name: name)] = id
        }
    }

    /// The ids of `keys`, made (in their order) for those not in the database yet.
    private func seriesIDs(_ keys: [SeriesKey], on connection: PostgresConnection) async throws -> [SeriesKey: Int64] {
        var ids: [SeriesKey: Int64] = [:]
        ids.reserveCapacity(keys.count)
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
