import Foundation
import HistoryStore
import PostgresNIO

// MARK: - Retention

extension PostgresStore {
    /// Aggregate rows deleted per statement: small, so no step holds locks long.
    static let pruneChunk = 5_000

    /// Drops whole day partitions older than `retention.raw` (no row-by-row deletes), then the
    /// oldest days while the messages and points take more than `retention.maximumBytes` (today's
    /// always stays), then per-minute aggregates older than `retention.minutes`, in chunks,
    /// for about `budget`.
    public func prune(now: Double, retention: Retention, budget: Duration) async throws(StoreFailure) -> Bool {
        let end = ContinuousClock.now + budget
        do {
            return try await asTheWriter {
                let connection = try await writeConnection()
                var days = try await partitions(on: connection)
                let today = Self.day(of: now)
                let keepFrom = Self.day(of: now - retention.raw)
                for day in days.keys.sorted() where day < keepFrom {
                    try await drop(day: day, on: connection)
                    days[day] = nil
                }
                for day in days.keys.sorted() where day < today {
                    let total = days.values.reduce(0, +)
                    guard total > retention.maximumBytes else { break }
                    try await drop(day: day, on: connection)
                    days[day] = nil
                }
                let minuteCutoff = Int64(((now - retention.minutes) / 60).rounded(.down))
                while ContinuousClock.now < end {
                    let deleted = try await connection.query("""
                        WITH gone AS (DELETE FROM minute WHERE ctid IN (SELECT ctid FROM minute WHERE minute < \(minuteCutoff) LIMIT \(Self.pruneChunk))
                        RETURNING 1) SELECT count(*) FROM gone
                        """, logger: logger).collect().first?.decode(Int64.self) ?? 0
                    if deleted == 0 { return false }
                }
                return true
            }
        } catch {
            throw .writeFailed(store: location, reason: Self.describe(error))
        }
    }

    /// The day partitions of messages, with the bytes each day takes (its messages and points).
    private func partitions(on connection: PostgresConnection) async throws -> [Int64: Int] {
        var days: [Int64: Int] = [:]
        for try await (name, bytes) in try await connection.query("""
            SELECT c.relname::text, pg_total_relation_size(c.oid) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            JOIN pg_class p ON p.oid = i.inhparent WHERE p.relname IN ('message', 'point')
            """, logger: logger).decode((String, Int64).self) {
            guard let day = Self.day(partition: name) else { continue }
            days[day, default: 0] += Int(bytes)
        }
        return days
    }

    private func drop(day: Int64, on connection: PostgresConnection) async throws {
        let suffix = Self.partitionSuffix(day: day)
        // Digits only in the names: never from input.
        try await connection.query(PostgresQuery(unsafeSQL: "DROP TABLE IF EXISTS message_\(suffix), point_\(suffix)"), logger: logger)
        partitionDays.remove(day)
    }

    /// The day of a partition named `message_20261205` (or `point_…`); nil for any other table.
    static func day(partition name: String) -> Int64? {
        guard let underscore = name.lastIndex(of: "_") else { return nil }
        let digits = name[name.index(after: underscore)...]
        guard digits.count == 8, let year = Int(digits.prefix(4)), let month = Int(digits.dropFirst(4).prefix(2)),
              let day = Int(digits.suffix(2)) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC") ?? calendar.timeZone
        guard let date = calendar.date(from: DateComponents(year: year, month: month, day: day)) else { return nil }
        return Self.day(of: date.timeIntervalSince1970)
    }

    /// Keeps `retention` in the store for its other writers.
    public func save(_ retention: Retention) async throws(StoreFailure) {
        do {
            // As the writer: never inside a batch's transaction.
            try await asTheWriter {
                let connection = try await writeConnection()
                for (name, value) in retention.settings {
                    try await connection.query("""
                        INSERT INTO setting (name, value) VALUES (\(name), \(value)) ON CONFLICT (name) DO UPDATE SET value = excluded.value
                        """, logger: logger)
                }
            }
        } catch {
            throw .writeFailed(store: location, reason: Self.describe(error))
        }
    }

    public func savedRetention() async throws(StoreFailure) -> Retention? {
        do {
            var settings: [String: Double] = [:]
            for try await (name, value) in try await readConnection().query("SELECT name, value FROM setting", logger: logger)
                .decode((String, Double).self) {
                settings[name] = value
            }
            return Retention(settings: settings)
        } catch {
            throw .cannotOpen(store: location, reason: Self.describe(error))
        }
    }
}
