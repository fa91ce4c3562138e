import GRDB

// MARK: - The log of blocks

extension SQLiteStore {
    /// A block holds the messages whose ids share `id >> blockShift` (65,536 of them), and
    /// their points: the first column of both indexes, so a batch writes at the index's end.
    static let blockShift = 16

    /// A message's block, as the index `message_by_block` spells it (a query must spell it so to use it).
    static let messageBlock = "id >> \(blockShift)"

    /// A subquery for the blocks that hold rows at or after its one argument.
    static let blocksSince = "SELECT id FROM block WHERE last >= ?"

    /// A condition for messages in `blocks`, with the blocks written out: SQLite seeks an
    /// expression's index for a list of values, not for a subquery.
    static func messageBlock(in blocks: [Int64]) -> String {
        "\(messageBlock) IN (\(blocks.map(String.init).joined(separator: ",")))"
    }

    /// The blocks that hold rows at or after `since`, oldest first.
    static func blocks(since: Double, in db: Database) throws -> [Int64] {
        try Int64.fetchAll(db.cachedStatement(sql: blocksSince + " ORDER BY id"), arguments: [since])
    }

    /// The SQL that keeps each block's first and last time as a batch writes into it.
    static let widenBlock = """
        INSERT INTO block (id, first, last) VALUES (?, ?, ?)
        ON CONFLICT (id) DO UPDATE SET first = min(first, excluded.first), last = max(last, excluded.last)
        """

    /// The newest `limit` rows of several blocks, newest first: `fetch(block, remaining)`
    /// returns a block's newest rows, newest first, and older blocks are read only while
    /// rows are missing, so a page of the recent past reads the newest block alone.
    static func newest<Row>(limit: Int, in blocks: [Int64], fetch: (Int64, Int) throws -> [Row]) rethrows -> [Row] {
        var rows: [Row] = []
        for block in blocks.reversed() where rows.count < limit {
            rows += try fetch(block, limit - rows.count)
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
