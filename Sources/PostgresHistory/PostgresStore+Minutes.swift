import HistoryStore
import PostgresNIO

// MARK: - Per-minute aggregates

/// A minute's totals are written once a later minute's batch comes (`OpenMinutes`); a broker
/// that falls silent has its last minute written when its recorder stops.
extension PostgresStore {
    /// Adds `minutes` to their rows.
    func upsert(_ minutes: [OpenMinutes.Key: StoredBatch.MinuteTotals], on connection: PostgresConnection) async throws {
        guard !minutes.isEmpty else { return }
        var ids: [Int64] = [], numbers: [Int64] = [], mins: [Double] = [], maxes: [Double] = [], sums: [Double] = [], counts: [Int64] = []
        for (key, totals) in minutes {
            ids.append(key.series)
            numbers.append(key.minute)
            mins.append(totals.min)
            maxes.append(totals.max)
            sums.append(totals.sum)
            counts.append(Int64(totals.count))
        }
        try await connection.query("""
            INSERT INTO minute (series, minute, min, max, sum, count)
            SELECT * FROM unnest(\(ids)::bigint[], \(numbers)::bigint[], \(mins)::float8[], \(maxes)::float8[], \(sums)::float8[], \(counts)::bigint[])
            ON CONFLICT (series, minute) DO UPDATE SET
              min = least(minute.min, excluded.min), max = greatest(minute.max, excluded.max),
              sum = minute.sum + excluded.sum, count = minute.count + excluded.count
            """, logger: logger)
    }

    func saveMinutesWrittenBefore(_ minute: Int64, broker: Int32, on connection: PostgresConnection) async throws {
        try await connection.query("""
            INSERT INTO setting (name, value) VALUES (\(OpenMinutes.markName(broker: Int64(broker))), \(Double(minute)))
            ON CONFLICT (name) DO UPDATE SET value = excluded.value
            """, logger: logger)
    }

    /// Once per broker and process, before its first batch: the minutes from the broker's mark
    /// on, recomputed from the raw rows (a recorder before this one may have stopped without
    /// writing them).
    func recoverMinutes(broker: Int32, on connection: PostgresConnection) async throws {
        guard minutes.writtenBefore[Int64(broker)] == nil else { return }
        let mark = try await connection.query("SELECT value FROM setting WHERE name = \(OpenMinutes.markName(broker: Int64(broker)))", logger: logger)
            .collect().first?.decode(Double.self)
        // A mark that is no minute (a damaged row) is no mark.
        guard let mark = mark.flatMap({ Int64(exactly: $0) }) else { return }
        let since = Double(mark) * 60
        try await connection.query("""
            INSERT INTO minute (series, minute, min, max, sum, count)
            SELECT s.id, floor(m.time / 60)::bigint, min(m.value), max(m.value), sum(m.value), count(*)
              FROM message m JOIN series s ON s.topic = m.topic AND s.path = '' JOIN topic t ON t.id = m.topic
              WHERE t.broker = \(broker) AND m.time >= \(since) AND m.value IS NOT NULL GROUP BY 1, 2
            UNION ALL
            SELECT p.series, floor(p.time / 60)::bigint, min(p.value), max(p.value), sum(p.value), count(*)
              FROM point p JOIN series s ON s.id = p.series JOIN topic t ON t.id = s.topic
              WHERE t.broker = \(broker) AND p.time >= \(since) GROUP BY 1, 2
            ON CONFLICT (series, minute) DO UPDATE SET min = excluded.min, max = excluded.max, sum = excluded.sum, count = excluded.count
            """, logger: logger)
        minutes.writtenBefore[Int64(broker)] = mark
    }

    /// Writes every minute still open (the store closes).
    func writeOpenMinutes() async throws {
        guard !minutes.open.isEmpty else { return }
        try await asTheWriter {
            let connection = try await writeConnection()
            try await upsert(minutes.open, on: connection)
            minutes.open = [:]
        }
    }
}
