import GRDB

/// An INSERT that writes up to 64 rows a statement: running a statement (opening its cursors,
/// checking its transaction) costs SQLite about as much as the row it inserts, so a batch pays
/// it once per 64 rows. Each row is bound through SQLite's C API (`Statement.bind`).
struct MultiRowInsert {
    static let rowsPerStatement = 64

    /// What the rows' placeholders follow: `INSERT INTO table (columns) VALUES`.
    let head: String
    let columns: Int
    /// What follows the rows, such as an `ON CONFLICT` clause.
    let tail: String
    /// The statement of a full chunk, written once: it is looked up in GRDB's cache by its text.
    private let full: String

    init(head: String, columns: Int, tail: String = "") {
        self.head = head
        self.columns = columns
        self.tail = tail
        full = Self.sql(head, columns, tail, rows: Self.rowsPerStatement)
    }

    /// Inserts `rows`; `bind(statement, row, first)` binds a row's values from parameter
    /// `first` on, and `inserted(rows, lastID)` hears each statement's rows and the id of its last.
    func run<Rows: RandomAccessCollection>(_ rows: Rows, in db: Database, bind: (Statement, Rows.Element, Int32) -> Void,
                                           inserted: (Rows.SubSequence, Int64) throws -> Void = { _, _ in }) throws {
        var start = rows.startIndex
        while start != rows.endIndex {
            let end = rows.index(start, offsetBy: Self.rowsPerStatement, limitedBy: rows.endIndex) ?? rows.endIndex
            let chunk = rows[start..<end]
            let statement = try db.cachedStatement(sql: chunk.count == Self.rowsPerStatement ? full : Self.sql(head, columns, tail, rows: chunk.count))
            for (offset, row) in chunk.enumerated() {
                bind(statement, row, Int32(offset * columns + 1))
            }
            try statement.run(in: db)
            try inserted(chunk, db.lastInsertedRowID)
            start = end
        }
    }

    private static func sql(_ head: String, _ columns: Int, _ tail: String, rows: Int) -> String {
        let row = "(" + repeatElement("?", count: columns).joined(separator: ", ") + ")"
        return head + " " + repeatElement(row, count: rows).joined(separator: ", ") + tail
    }
}
