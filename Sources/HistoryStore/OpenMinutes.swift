/// The per-minute totals of the minutes still filling, kept by a store's writer between
/// batches. A stream that touches every series in every batch would otherwise add to each
/// minute's row with every batch: in PostgreSQL 10,000 upserts took 100 ms, more than the
/// batch's COPY, and in SQLite they were a quarter of the recorder's time.
///
/// A minute's totals are written with the first batch of a later minute, in its transaction,
/// or when the store closes. Each broker's mark says before which minute every minute's totals
/// are written: after a crash, its next writer recomputes the minutes from the mark on from the
/// raw rows, which are committed batch by batch.
package struct OpenMinutes: Sendable {
    package struct Key: Hashable, Sendable {
        package let series: Int64
        package let minute: Int64

        package init(series: Int64, minute: Int64) {
            self.series = series
            self.minute = minute
        }
    }

    /// Minutes still filling.
    package var open: [Key: StoredBatch.MinuteTotals] = [:]
    /// Per broker: every minute before this one has its totals written.
    package var writtenBefore: [Int64: Int64] = [:]

    package init() {}

    /// The minutes after `batch`: those to write with it (every minute before its newest, and
    /// before the broker's mark), the minutes still open, and the broker's new mark. The writer
    /// keeps `open` and the mark once the batch is committed.
    package func after(_ batch: StoredBatch, broker: Int64, series: (StoredBatch.MinuteKey) -> Int64?)
        -> (due: [Key: StoredBatch.MinuteTotals], open: [Key: StoredBatch.MinuteTotals], before: Int64) {
        var open = self.open
        for (key, totals) in batch.minutes {
            guard let id = series(key) else { continue }
            open[Key(series: id, minute: key.minute), default: StoredBatch.MinuteTotals()].merge(totals)
        }
        let newest = Int64(((batch.rows.map(\.time).max() ?? 0) / 60).rounded(.down))
        let before = max(newest, writtenBefore[broker] ?? newest)
        let due = open.filter { $0.key.minute < before }
        for key in due.keys { open[key] = nil }
        return (due, open, before)
    }

    /// The name under which a store keeps `broker`'s mark.
    package static func markName(broker: Int64) -> String { "minutes.written-before.\(broker)" }
}
