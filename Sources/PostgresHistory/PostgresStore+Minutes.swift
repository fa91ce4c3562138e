import HistoryStore
import PostgresNIO

// MARK: - Per-minute aggregates

/// A stream that touches every series in every batch would upsert a row per message: measured,
/// 10,000 upserts cost 100 ms, more than the batch's COPY. So the totals of a minute still
/// filling are kept here, and written (added to the row) with the first batch of a later
/// minute, in its transaction, or when the store closes. A minute's aggregate is in the
/// database once a later minute's message was written (a broker that falls silent has its last
/// minute written when its recorder stops).
///
/// A crash loses what was kept, not what was written: with each batch the store records, per
/// broker, the minute before which every minute's totals are written. The broker's next
/// recorder recomputes the minutes from that one on from the raw messages and points (which
/// are committed batch by batch), before it writes.
extension PostgresStore {
    /// The minutes after `batch`: those to write with it (every minute before its newest, and
    /// before the broker's mark), the minutes still open, and the broker's new mark.
    func minutesAfter(_ batch: StoredBatch, broker: Int32, topics: [Int64], series: [SeriesKey: Int64])
        -> (due: [SeriesMinute: StoredBatch.MinuteTotals], open: [SeriesMinute: StoredBatch.MinuteTotals], before: Int64) {
        var open = openMinutes
        for (key, totals) in batch.minutes {
            guard let id = series[SeriesKey(topic: topics[key.topic], path: key.path)] else { continue }
            open[SeriesMinute(series: id, minute: key.minute), default: StoredBatch.MinuteTotals()].merge(totals)
        }
        let newest = Int64(((batch.rows.map(\.time).max() ?? 0) / 60).rounded(.down))
        let before = max(newest, minutesWrittenBefore[broker] ?? newest)
        let due = open.filter { $0.key.minute < before }
        for key in due.keys { open[key] = nil }
        return (due, open, before)
    }

    /// Adds `minutes` to their rows.
    func upsert(_ minutes: [SeriesMinute: StoredBatch.MinuteTotals], on connection: PostgresConnection) async throws {
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
            INSERT INTO setting (name, value) VALUES (\(Self.markName(broker)), \(Double(minute)))
            ON CONFLICT (name) DO UPDATE SET value = excluded.value
            """, logger: logger)
    }

    /// Once per broker and process, before its first batch: the minutes from the broker's mark
    /// on, recomputed from the raw rows (a recorder before this one may have stopped without
    /// writing them).
    func recoverMinutes(broker: Int32, on connection: PostgresConnection) async throws {
        guard minutesWrittenBefore[broker] == nil else { return }
        let mark = try await connection.query("SELECT value FROM setting WHERE name = \(Self.markName(broker))", logger: logger)
            .collect().first?.decode(Double.self)
        guard let mark else { return }
        let since = mark * 60
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
        minutesWrittenBefore[broker] = Int64(mark)
    }

    /// Writes every minute still open (the store closes).
    func writeOpenMinutes() async throws {
        guard !openMinutes.isEmpty else { return }
        try await asTheWriter {
            let connection = try await writeConnection()
            try await upsert(openMinutes, on: connection)
            openMinutes = [:]
        }
    }

    private static func markName(_ broker: Int32) -> String { "minutes.written-before.\(broker)" }
}
