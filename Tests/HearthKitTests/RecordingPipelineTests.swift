import Foundation
@testable import HearthKit
import HistoryStore
import MQTT
import MQTTTestSupport
import Testing

/// The one recording pipeline on a real SQLite store, with writes broken and mended by a second
/// connection and time moved by hand.
@Suite(.timeLimit(.minutes(1)))
struct RecordingPipelineTests {
    static func pipeline(_ store: SQLiteStore, known: [MQTTMessage] = [], clock: ManualClock, reports: Reports) -> RecordingPipeline<ManualClock> {
        RecordingPipeline(store: store, broker: "home", retention: Retention(), known: known, clock: clock) { reports.add("\($0)") }
    }

    @Test func everyBatchIsWrittenAndNothingIsLost() async throws {
        try await withFolder { folder in
            let store = try SQLiteStore(path: folder + "/home.sqlite")
            let pipeline = Self.pipeline(store, clock: ManualClock(), reports: Reports())
            // More than two writes' worth, in batches of the sizes a client hands over: the
            // store's batches are built as they queue, one per write.
            let count = 2 * HistoryWriter<ManualClock.Instant>.batchLimit + 5_000
            let messages = (0..<count).map { message("home/sensor/\($0 % 100)", "\($0)") }
            let lost = try await pipeline.run {
                for start in stride(from: 0, to: messages.count, by: 3_000) {
                    await pipeline.record(messages[start..<min(messages.count, start + 3_000)])
                }
            }
            #expect(lost == 0)
            let recorded = try await store.topics(broker: "home").reduce(0) { $0 + $1.messages }
            #expect(recorded == count)
            #expect(try await store.messages(broker: "home", topic: "home/sensor/7", since: 0).map { String(decoding: $0.payload, as: UTF8.self) }
                == stride(from: 7, to: count, by: 100).map(String.init))
        }
    }

    @Test func aRetainedValueResentUnchangedAfterSubscribingIsNotRecordedAgain() async throws {
        try await withFolder { folder in
            let store = try SQLiteStore(path: folder + "/home.sqlite")
            // The store already holds the door's retained "closed" and the light's retained "ON".
            let known = [message("home/door", "closed", retain: true, at: 1), message("home/light", "ON", retain: true, at: 1)]
            let pipeline = Self.pipeline(store, known: known, clock: ManualClock(), reports: Reports())
            let lost = try await pipeline.run {
                // The burst on subscribing: the door unchanged (an echo), the light changed.
                await pipeline.record([message("home/door", "closed", retain: true), message("home/light", "OFF", retain: true)])
                // A live message repeating the payload is a new message.
                await pipeline.record([message("home/door", "closed")])
                // After a reconnect the broker resends the door's value, now not retained before: recorded.
                pipeline.resubscribing()
                await pipeline.record([message("home/door", "closed", retain: true)])
                // ... and once more after the next resubscription, now an echo.
                pipeline.resubscribing()
                await pipeline.record([message("home/door", "closed", retain: true), message("home/light", "OFF", retain: true)])
            }
            #expect(lost == 0)
            let door = try await store.messages(broker: "home", topic: "home/door", since: 0)
            #expect(door.map(\.retain) == [false, true])
            #expect(try await store.messages(broker: "home", topic: "home/light", since: 0).map { String(decoding: $0.payload, as: UTF8.self) } == ["OFF"])
        }
    }

    @Test func aFailedWriteIsTriedAgainEachSecondWithNoNewMessage() async throws {
        try await withFolder { folder in
            let (store, breaker) = try StoreBreaker.broken(at: folder + "/home.sqlite")
            let clock = ManualClock()
            let reports = Reports()
            let pipeline = Self.pipeline(store, clock: clock, reports: reports)
            var reported = reports.stream.makeAsyncIterator()
            let lost = try await pipeline.run {
                await pipeline.record([message("home/a", "1"), message("home/b", "2")])
                #expect(await reported.next()?.hasSuffix("keeping messages in memory and trying again") == true)
                // The writer waits a second for the retry; no message arrives meanwhile.
                await clock.waitForSleepers(1)
                try breaker.mend()
                clock.advance(by: .seconds(1))
                #expect(await reported.next() == "writing again")
            }
            #expect(lost == 0)
            #expect(try await store.topics(broker: "home").map(\.name) == ["home/a", "home/b"])
        }
    }

    @Test func stoppedWhileWritesFailItCountsWhatIsLost() async throws {
        try await withFolder { folder in
            let (store, _) = try StoreBreaker.broken(at: folder + "/home.sqlite")
            let reports = Reports()
            let pipeline = Self.pipeline(store, clock: ManualClock(), reports: reports)
            var reported = reports.stream.makeAsyncIterator()
            let lost = try await pipeline.run {
                await pipeline.record([message("home/a", "1"), message("home/a", "2"), message("home/a", "3")])
                #expect(await reported.next()?.contains("trying again") == true)
                await pipeline.record([message("home/a", "4")])
            }
            #expect(lost == 4)
        }
    }

    @Test func whenTheReaderFailsWhatItQueuedIsStillWritten() async throws {
        struct ReaderFailed: Error {}
        try await withFolder { folder in
            let store = try SQLiteStore(path: folder + "/home.sqlite")
            let pipeline = Self.pipeline(store, clock: ManualClock(), reports: Reports())
            do {
                _ = try await pipeline.run {
                    await pipeline.record([message("home/a", "1"), message("home/b", "2")])
                    throw ReaderFailed()
                }
                Issue.record("the reader's error was not thrown")
            } catch {
                #expect(error is ReaderFailed)
            }
            #expect(pipeline.lostCount == 0)
            #expect(try await store.topics(broker: "home").map(\.name) == ["home/a", "home/b"])
        }
    }

    @Test func theRecorderWaitsForTheWriterInsteadOfQueueingWithoutBound() async throws {
        try await withFolder { folder in
            let store = try SQLiteStore(path: folder + "/home.sqlite")
            let pipeline = Self.pipeline(store, clock: ManualClock(), reports: Reports())
            let limit = RecordingPipeline<ManualClock>.queueLimit
            let lost = try await pipeline.run {
                // Five queues' worth handed over at once: record returns only once the writer took them.
                for round in 0..<5 {
                    await pipeline.record((0..<limit).map { message("home/\(round)", "\($0)") })
                    #expect(pipeline.queuedCount < limit)
                }
            }
            #expect(lost == 0)
            #expect(try await store.topics(broker: "home").reduce(0) { $0 + $1.messages } == 5 * limit)
        }
    }
}

/// The retry policy alone: the backoff, on instants the test chooses.
@Suite(.timeLimit(.minutes(1)))
struct HistoryWriterTests {
    @Test func theBackoffDoublesAndAWriteWaitsForIt() async throws {
        try await withFolder { folder in
            let (store, breaker) = try StoreBreaker.broken(at: folder + "/home.sqlite")
            var writer = HistoryWriter<ManualClock.Instant>(store: store, broker: "home", retention: Retention())
            let start = ManualClock.Instant(offset: .seconds(100))
            writer.add([message("home/a", "1")])
            #expect(await writer.flush(now: start)?.isFailure == true)
            // Tried again after 1 s (failing again, said once), then not before 2 s more.
            #expect(await writer.flush(now: start.advanced(by: .milliseconds(999))) == nil && writer.pending.count == 1)
            #expect(await writer.flush(now: start.advanced(by: .seconds(1))) == nil && writer.failing)
            try breaker.mend()
            #expect(await writer.flush(now: start.advanced(by: .milliseconds(2_999))) == nil && writer.pending.count == 1)
            #expect(await writer.flush(now: start.advanced(by: .seconds(3))) == .recovered)
            #expect(writer.pending.isEmpty && !writer.failing && writer.dropped == 0)
        }
    }

    @Test func whileWritesFailMemoryStaysBoundedAndTheDroppedAreCounted() async throws {
        try await withFolder { folder in
            let (store, _) = try StoreBreaker.broken(at: folder + "/home.sqlite")
            var writer = HistoryWriter<ManualClock.Instant>(store: store, broker: "home", retention: Retention())
            writer.add([message("home/a", "first")])
            #expect(await writer.flush(now: ManualClock.Instant(offset: .zero))?.isFailure == true)
            // Added during the backoff, before any flush could trim: the bound holds at once.
            let limit = HistoryWriter<ManualClock.Instant>.pendingLimit
            writer.add((0..<limit).map { message("home/a", "\($0)") })
            #expect(writer.pending.count == limit && writer.dropped == 1)
            #expect(writer.pending.first?.payload == Array("0".utf8))
        }
    }

    @Test func aPreparedBatchIsWrittenOnlyWhenNothingOlderWaits() async throws {
        try await withFolder { folder in
            let (store, breaker) = try StoreBreaker.broken(at: folder + "/home.sqlite")
            var writer = HistoryWriter<ManualClock.Instant>(store: store, broker: "home", retention: Retention())
            let start = ManualClock.Instant(offset: .zero)
            // Each batch handed in is marked, to tell it from one built from the messages.
            func marked(_ payload: String) -> StoredBatch { StoredBatch([message("home/a", payload + " prepared")]) }
            writer.add([message("home/a", "1")], prepared: marked("1"))
            #expect(await writer.flush(now: start)?.isFailure == true)
            try breaker.mend()
            // "1" still waits: the batch handed in with "2" is set aside, and both are written.
            writer.add([message("home/a", "2")], prepared: marked("2"))
            #expect(await writer.flush(now: start.advanced(by: .seconds(1))) == .recovered)
            // Nothing older waits: the batch handed in is what is written.
            writer.add([message("home/a", "3")], prepared: marked("3"))
            #expect(await writer.flush(now: start.advanced(by: .seconds(2))) == nil)
            // A batch of other than the messages added is set aside too.
            writer.add([message("home/a", "4"), message("home/a", "5")], prepared: marked("4"))
            #expect(await writer.flush(now: start.advanced(by: .seconds(3))) == nil)
            #expect(try await store.messages(broker: "home", topic: "home/a", since: 0).map { String(decoding: $0.payload, as: UTF8.self) }
                == ["1", "2", "3 prepared", "4", "5"])
        }
    }

    @Test func theLastFlushTriesEvenInTheBackoff() async throws {
        try await withFolder { folder in
            let (store, breaker) = try StoreBreaker.broken(at: folder + "/home.sqlite")
            var writer = HistoryWriter<ManualClock.Instant>(store: store, broker: "home", retention: Retention())
            let start = ManualClock.Instant(offset: .zero)
            writer.add([message("home/a", "1")])
            _ = await writer.flush(now: start)
            try breaker.mend()
            #expect(await writer.flush(now: start, force: true) == .recovered)
        }
    }
}
