import HistoryStore
import MQTT
import Synchronization
import TopicModel

/// The one way messages reach the history store, for `hearth record` and the dashboard's
/// `--record` alike.
///
/// The reader hands each batch to `record`, which leaves out retained echoes (`RetainedEcho`)
/// and queues the rest, building the store's batches as they come (`StoredBatch`); a writer
/// task beside it takes what is queued and writes it, `HistoryWriter.batchLimit` at a time, so
/// the reader never waits on a write in progress, and a batch is ready when its turn comes.
/// While writes work and the queue is long, `record` waits for the writer to take it: the
/// client then stops reading, and nothing is lost. While writes fail, the writer tries again
/// each second even with no new message (its backoff decides whether it writes), and memory stays
/// bounded: past `HistoryWriter.pendingLimit` waiting messages the oldest are dropped and counted.
///
/// ```swift
/// let pipeline = RecordingPipeline(store: store, broker: "home", retention: retention, clock: ContinuousClock()) { change in … }
/// let lost = try await pipeline.run {
///     await model.feed(client.events.batches, recording: pipeline)
/// }
/// ```
public final class RecordingPipeline<C: Clock>: Sendable where C.Duration == Duration {
    private struct Incoming {
        var messages: [MQTTMessage] = []
        /// `messages` as the store's batches, `HistoryWriter.batchLimit` each; nil while writes
        /// fail (the writer then builds its batches from `messages`).
        var batches: [StoredBatch]? = []
        /// Messages taken in to be written (echoes left out).
        var accepted = 0
        /// Dropped here while writes failed.
        var dropped = 0
        var echoes: RetainedEchoes
        /// The writer's last write failed: `record` does not wait for it.
        var failing = false
        /// `run`'s body ended: the writer writes what is left and stops.
        var finished = false

        /// Adds a queued message to the last batch, or to a new one when that is full.
        mutating func batch(_ message: MQTTMessage, limit: Int) {
            guard let count = batches?.count else { return }
            let full = count == 0 || (batches?[count - 1].count ?? 0) >= limit
            if full { batches?.append(StoredBatch()) }
            batches?[full ? count : count - 1].append(message)
        }
    }

    /// How many queued messages make `record` wait for the writer (while writes work): one
    /// batch, prepared while the one before is written.
    public static var queueLimit: Int { HistoryWriter<C.Instant>.batchLimit }

    private let incoming: Mutex<Incoming>
    /// The writer, until `run` hands it to its writing task.
    private let writer: HistoryWriter<C.Instant>
    /// What the writer dropped and holds after its last flush, for `lostCount`.
    private let writerLoss = Mutex((dropped: 0, pending: 0))
    /// Rung by `record` and by the end of `run`'s body: the writer has work.
    private let work = Doorbell()
    /// Rung by the writer when it took the queue: a waiting `record` may go on.
    private let taken = Doorbell()
    private let clock: C
    private let report: @Sendable (HistoryWriteChange) -> Void

    /// - Parameters:
    ///   - known: the newest recorded message of each topic, so retained values the broker sends
    ///     again on subscribing are not recorded twice.
    ///   - report: called (on the writer's task) when writing fails, works again, or cannot prune.
    ///   - broker: the broker whose messages these are, as the store keeps it.
    public init(store: any HistoryStorage, broker: String, retention: Retention, known: [MQTTMessage] = [], clock: C,
                report: @escaping @Sendable (HistoryWriteChange) -> Void) {
        writer = HistoryWriter(store: store, broker: broker, retention: retention)
        incoming = Mutex(Incoming(echoes: RetainedEchoes(known: known)))
        self.clock = clock
        self.report = report
    }

    /// Runs the writer beside `body` (the reader); once `body` returns or throws, writes what is
    /// left (trying once more even in a backoff). Returns `lostCount`.
    /// - Throws: what `body` throws, once what is left is written (`lostCount` then says what was not).
    public func run(_ body: () async throws -> Void) async throws -> Int {
        let (failure, finished) = await withTaskGroup(of: HistoryWriter<C.Instant>.self) { group in
            group.addTask { await self.writeUntilFinished() }
            let failure: (any Error)?
            do {
                try await body()
                failure = nil
            } catch {
                failure = error
            }
            finish()
            return (failure, await group.next())
        }
        var writer = finished ?? self.writer
        await write(&writer, force: true)
        if let failure { throw failure }
        return lostCount
    }

    /// Messages that could not be written: dropped while writes failed, or still waiting. After
    /// `run`, what is lost for good.
    public var lostCount: Int {
        let waiting = incoming.withLock { $0.dropped + $0.messages.count }
        return writerLoss.withLock { $0.dropped + $0.pending } + waiting
    }

    /// Messages written, or to be written, to the store: those taken in less those lost.
    public var recordedCount: Int { incoming.withLock { $0.accepted } - lostCount }

    /// Queues messages (echoes left out); waits only while writes work and the queue is full.
    public func record(_ messages: some Sequence<MQTTMessage>) async {
        let limit = HistoryWriter<C.Instant>.batchLimit
        let full = incoming.withLock { incoming in
            // While writes fail the writer has older messages waiting, so no batch built here
            // could be written as it is: none is built until the next take.
            if incoming.failing { incoming.batches = nil }
            for message in messages where !incoming.echoes.isEcho(message) {
                incoming.messages.append(message)
                incoming.accepted += 1
                incoming.batch(message, limit: limit)
            }
            if incoming.failing { incoming.dropped += HistoryWriter<C.Instant>.keepNewest(&incoming.messages) }
            return isFull(incoming)
        }
        work.ring()
        guard full else { return }
        while !Task.isCancelled, incoming.withLock({ isFull($0) }) {
            await taken.wait()
        }
    }

    /// The client subscribes again (after a reconnect): the broker resends retained values.
    public func resubscribing() {
        incoming.withLock { $0.echoes.subscribing() }
    }

    /// Messages queued for the writer now.
    var queuedCount: Int { incoming.withLock { $0.messages.count } }

    private func isFull(_ incoming: Incoming) -> Bool {
        !incoming.failing && !incoming.finished && incoming.messages.count >= Self.queueLimit
    }

    private func finish() {
        incoming.withLock { $0.finished = true }
        work.ring()
        taken.ring()
    }

    /// The writer: waits for work (or, while writes fail, at most a second), writes, again.
    /// Returns the writer, with what it could not write yet.
    private func writeUntilFinished() async -> HistoryWriter<C.Instant> {
        var writer = self.writer
        while true {
            if !writer.pending.isEmpty {
                // A wake-up is taken by whichever wins; everything queued is written either way.
                _ = await work.wait(until: clock.now.advanced(by: .seconds(1)), clock: clock)
            } else {
                await work.wait()
            }
            // A cancelled task's waits return at once: it stops rather than spin.
            if incoming.withLock({ $0.finished }) || Task.isCancelled { return writer }
            await write(&writer, force: false)
        }
    }

    /// Takes the queue and writes it, a batch at a time.
    private func write(_ writer: inout HistoryWriter<C.Instant>, force: Bool) async {
        let (queued, batches) = incoming.withLock { incoming in
            defer {
                incoming.messages = []
                incoming.batches = []
            }
            return (incoming.messages, incoming.batches ?? [])
        }
        taken.ring()
        var start = queued.startIndex
        var batch = batches.startIndex
        repeat {
            let end = min(queued.endIndex, start + HistoryWriter<C.Instant>.batchLimit)
            let now = clock.now
            writer.add(queued[start..<end], prepared: batch < batches.endIndex ? batches[batch] : nil)
            let change = await writer.flush(now: now, force: force)
            batch += 1
            writerLoss.withLock { $0 = (writer.dropped, writer.pending.count) }
            let failing = writer.failing
            incoming.withLock { $0.failing = failing }
            if let change { report(change) }
            start = end
        } while start < queued.endIndex
    }
}
