import GRDB

// MARK: - Retention

extension SQLiteStore {
    /// The retention kept in the store by its last `hearth record` (so a dashboard recording
    /// into it prunes the same way), or nil when none was saved.
    public func savedRetention() async throws(StoreFailure) -> Retention? {
        try await read { db in
            Retention(settings: try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT name, value FROM setting").map {
                ($0[0] as String, $0[1] as Double)
            }))
        }
    }

    /// Keeps a setting the store's writers share (the retention, each broker's minute mark).
    static func saveSetting(_ name: String, _ value: Double, in db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO setting (name, value) VALUES (?, ?)", arguments: [name, value])
    }

    /// Keeps `retention` in the store for its other writers.
    public func save(_ retention: Retention) async throws(StoreFailure) {
        do {
            try await pool.write { db in
                for (name, value) in retention.settings {
                    try Self.saveSetting(name, value, in: db)
                }
            }
        } catch {
            throw .writeFailed(store: path, reason: Self.describe(error))
        }
    }

    /// Rows deleted per statement: small, so no step holds the writer long.
    static let pruneChunk = 2_000

    /// Deletes what `retention` no longer keeps, in small transactions, for at most `budget`
    /// (each transaction well under 50 ms). Returns whether there is more to delete.
    public func prune(now: Double, retention: Retention, budget: Duration) async throws(StoreFailure) -> Bool {
        let end = ContinuousClock.now + budget
        let rawCutoff = now - retention.raw
        let minuteCutoff = Int64(((now - retention.minutes) / 60).rounded(.down))
        do {
            while ContinuousClock.now < end {
                let deleted = try await pool.write { db -> Int in
                    // Past the size cap, the oldest raw rows go whatever their age.
                    let overSize = try usedBytes(db) > retention.maximumBytes
                    // (a tenth of a chunk at a time, so it stops soon after the size is back under the cap).
                    // Rows are appended in time order, so the oldest are the lowest ids: each step
                    // looks at one chunk from the start, and stops at the first young one.
                    let cutoff = overSize ? (try Double.fetchOne(db, sql: "SELECT max(time) FROM (SELECT time FROM message ORDER BY id LIMIT ?)",
                                                                 arguments: [Self.pruneChunk / 10]) ?? rawCutoff).nextUp : rawCutoff
                    try db.execute(sql: "DELETE FROM message WHERE id IN (SELECT id FROM message ORDER BY id LIMIT ?) AND time < ?",
                                   arguments: [Self.pruneChunk, cutoff])
                    var total = db.changesCount
                    try db.execute(sql: "DELETE FROM point WHERE rowid IN (SELECT rowid FROM point ORDER BY rowid LIMIT ?) AND time < ?",
                                   arguments: [Self.pruneChunk, cutoff])
                    total += db.changesCount
                    try db.execute(sql: "DELETE FROM minute WHERE rowid IN (SELECT rowid FROM minute WHERE minute < ? LIMIT ?)",
                                   arguments: [minuteCutoff, Self.pruneChunk])
                    total += db.changesCount
                    try Self.forgetEmptiedBlocks(in: db)
                    return total
                }
                if deleted == 0 { return false }
            }
            return true
        } catch {
            throw .writeFailed(store: path, reason: Self.describe(error))
        }
    }

    /// Bytes of pages in use (pages freed by deletes are reused before the file grows).
    public func usedBytes() async throws(StoreFailure) -> Int {
        try await read { try self.usedBytes($0) }
    }

    private func usedBytes(_ db: Database) throws -> Int {
        let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
        let free = try Int.fetchOne(db, sql: "PRAGMA freelist_count") ?? 0
        let size = try Int.fetchOne(db, sql: "PRAGMA page_size") ?? 4096
        return (pages - free) * size
    }
}
