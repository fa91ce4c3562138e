import GRDB

// MARK: - The log of blocks

extension SQLiteStore {
    /// A block holds the messages whose ids share `id >> blockShift` (65,536 of them), and
    /// their points: the first column of both indexes, so a batch writes at the index's end.
    static let blockShift = 16

    /// A message's block, as the index `message_by_block` spells it (a query must spell it so to use it).
    static let messageBlock = "id >> \(blockShift)"

    /// A condition for messages in `blocks`, with the blocks written out: SQLite seeks an
    /// expression's index for a list of values, not for a subquery.
    static func messageBlock(in blocks: [Int64]) -> String {
        "\(messageBlock) IN (\(list(blocks)))"
    }

    /// Blocks written out for an `IN (…)`.
    static func list(_ blocks: [Int64]) -> String {
        blocks.map(String.init).joined(separator: ",")
    }

    /// The blocks that hold rows at or after `since`, up to `through` (a topic's newest
    /// message's block), oldest first.
    static func blocks(since: Double, through: Int64, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: "SELECT id FROM block WHERE last >= ? AND id <= ? ORDER BY id"), arguments: [since, through])
    }

    /// The newest block, or nil in a store with no message.
    static func newestBlock(in db: Database) throws -> Int64? {
        try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(id) FROM block"))
    }

    /// Before a batch that writes into `blocks` is recorded in the `block` table: when it
    /// starts a new block, the blocks before it are full, and each topic with messages in
    /// them keeps the newest (`topic.block`). A topic's reads then need the newest block and
    /// its own: no write does this per message, and a topic is written once per block.
    static func bookkeep(filled blocks: some Collection<Int64>, in db: Database) throws {
        guard let newest = blocks.max() else { return }
        let before = try newestBlock(in: db)
        // The blocks this batch wrote into that are not its newest, and the newest before it.
        var full = Set(blocks.filter { $0 < newest })
        if let before, before < newest { full.insert(before) }
        for block in full.sorted() {
            try db.execute(sql: """
                UPDATE topic SET block = ?1 WHERE id IN (SELECT DISTINCT topic FROM message WHERE \(messageBlock) = ?1) AND (block IS NULL OR block < ?1)
                """, arguments: [block])
        }
    }

    /// The message ids of the blocks that hold rows in `since ..< until`, for a read of every
    /// topic (a replay) to walk those rows by id; nil when no block does.
    static func ids(from since: Double, until: Double, in db: Database) throws -> ClosedRange<Int64>? {
        guard let row = try Row.fetchOne(db.cachedStatement(sql: "SELECT min(id), max(id) FROM block WHERE last >= ? AND first < ?"),
                                         arguments: [since, until]),
              let first = row[0] as Int64?, let last = row[1] as Int64? else { return nil }
        // Clamped, so a block number no message id can have (a damaged file) cannot overflow.
        let most = Int64.max >> blockShift
        let low = min(max(first, -most), most) << blockShift
        let high = last >= most ? Int64.max : ((max(last, -most) + 1) << blockShift) - 1
        return low...max(low, high)
    }

    /// The SQL that keeps each block's first and last time as a batch writes into it.
    static let widenBlock = "INSERT INTO block (id, first, last) VALUES (?, ?, ?) " + widenBlockOnConflict

    /// What an insert into `block` does to a block already there: widens its range.
    static let widenBlockOnConflict = "ON CONFLICT (id) DO UPDATE SET first = min(first, excluded.first), last = max(last, excluded.last)"

    /// The newest `limit` rows of several blocks, newest first: `fetch(block, remaining)`
    /// returns a block's newest rows, newest first, and older blocks are read only while
    /// rows are missing, so a page of the recent past reads the newest block alone. Rows are
    /// appended as they arrive, so a newer block holds newer times; a clock set back while
    /// recording can put a block's rows before an older block's, and they then come in the
    /// order they were written.
    static func newest<Row>(limit: Int, in blocks: [Int64], fetch: (Int64, Int) throws -> [Row]) rethrows -> [Row] {
        var rows: [Row] = []
        for block in blocks.reversed() {
            rows += try fetch(block, limit - rows.count)
            if rows.count >= limit { break }
        }
        return rows
    }

    /// Forgets the blocks older than every row left: rows go oldest first, by id for
    /// messages and by rowid for points, so the lowest of each is its oldest block.
    static func forgetEmptiedBlocks(in db: Database) throws {
        try db.execute(sql: """
            DELETE FROM block WHERE id < coalesce((SELECT \(messageBlock) FROM message ORDER BY id LIMIT 1), \(Int64.max))
              AND id < coalesce((SELECT block FROM point ORDER BY rowid LIMIT 1), \(Int64.max))
            """)
    }
}
