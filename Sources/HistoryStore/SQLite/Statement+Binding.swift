import GRDB
import GRDBSQLite

// MARK: - Binding a row through SQLite's C API

/// The recorder's inner loop binds its rows through SQLite's C API, on the raw statement
/// GRDB hands out for this (`Statement.sqliteStatement`): GRDB's `StatementArguments`, an
/// array of existential values per row, cost the writer a quarter of its time.
extension Statement {
    /// Parameters are numbered from 1, as in SQL.
    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(sqliteStatement, index, value)
    }

    func bind(_ value: Double?, at index: Int32) {
        if let value { sqlite3_bind_double(sqliteStatement, index, value) } else { sqlite3_bind_null(sqliteStatement, index) }
    }

    /// Bytes, copied by SQLite; nil binds NULL, and no bytes an empty blob (not NULL). A bind
    /// fails only past SQLite's length limit (a billion bytes), far above what a row holds
    /// (payloads are cut at 64 KiB, properties at a packet's size).
    func bind(_ bytes: ArraySlice<UInt8>?, at index: Int32) {
        guard let bytes else { sqlite3_bind_null(sqliteStatement, index); return }
        _ = bytes.withUnsafeBytes { buffer in
            if let base = buffer.baseAddress, !buffer.isEmpty {
                sqlite3_bind_blob(sqliteStatement, index, base, Int32(buffer.count), Self.transient)
            } else {
                sqlite3_bind_zeroblob(sqliteStatement, index, 0)
            }
        }
    }

    /// Runs the bound statement once and readies it for the next row.
    func run(in db: Database) throws {
        let code = sqlite3_step(sqliteStatement)
        defer { sqlite3_reset(sqliteStatement) }
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: String(cString: sqlite3_errmsg(db.sqliteConnection)))
        }
    }

    /// SQLite's SQLITE_TRANSIENT: it copies the bytes before the call returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)
}
