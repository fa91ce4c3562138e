import HearthKit
import MQTTTestSupport
import Testing

/// When `sub -W`, `--retained-only` and `tree` stop, on a clock the test moves.
@Suite(.timeLimit(.minutes(1)))
struct CollectionDeadlineTests {
    /// Whether `deadline.wait()` has returned, observed without sleeping.
    final class Ended: Sendable {
        let signal = Doorbell.latching()
    }

    static func start(_ deadline: CollectionDeadline<ManualClock>) -> Ended {
        let ended = Ended()
        Task {
            await deadline.wait()
            ended.signal.ring()
        }
        return ended
    }

    @Test func aQuietPeriodEndsItAndEachMessageMovesTheEnd() async {
        let clock = ManualClock()
        let deadline = CollectionDeadline(limit: nil, quiet: .milliseconds(500), clock: clock)
        let ended = Self.start(deadline)
        await clock.waitForSleepers(1)
        clock.advance(by: .milliseconds(400))
        deadline.messageArrived()
        clock.advance(by: .milliseconds(400))
        // 800 ms in, but only 400 ms since the message: it sleeps again, to 900 ms.
        await clock.waitForSleepers(1)
        #expect(!ended.signal.isRung)
        clock.advance(by: .milliseconds(100))
        await ended.signal.wait()
        #expect(deadline.sinceLastMessage == .milliseconds(500))
    }

    @Test func theLimitEndsItEvenWhileMessagesArrive() async {
        let clock = ManualClock()
        let deadline = CollectionDeadline(limit: .seconds(2), quiet: .milliseconds(500), clock: clock)
        let ended = Self.start(deadline)
        for _ in 0..<5 {
            await clock.waitForSleepers(1)
            clock.advance(by: .milliseconds(400))
            deadline.messageArrived()
        }
        await ended.signal.wait()
        #expect(clock.now.offset == .seconds(2))
    }

    @Test func aHoldKeepsItPastTheLimit() async {
        let clock = ManualClock()
        let deadline = CollectionDeadline(limit: .seconds(1), quiet: nil, clock: clock)
        deadline.hold(for: .seconds(3))
        let ended = Self.start(deadline)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(1))
        #expect(!ended.signal.isRung)
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(2))
        await ended.signal.wait()
        #expect(clock.now.offset == .seconds(3))
    }

    @Test func withNeitherItWaitsUntilCancelled() async {
        let deadline = CollectionDeadline(limit: nil, quiet: nil, clock: ManualClock())
        let waiting = Task { await deadline.wait() }
        waiting.cancel()
        await waiting.value
    }
}

/// Stops and doorbells: what replaces polling.
@Suite(.timeLimit(.minutes(1)))
struct DoorbellTests {
    @Test func aStopStaysRungForEveryWaiter() async {
        let stop = Doorbell.latching()
        let waiters = (0..<3).map { _ in Task { await stop.wait() } }
        stop.ring()
        for waiter in waiters { await waiter.value }
        await stop.wait()
        #expect(stop.isRung)
    }

    @Test func aDoorbellIsTakenByTheWaitItEnds() async {
        let bell = Doorbell()
        bell.ring()
        bell.ring()
        await bell.wait()
        #expect(!bell.isRung)
    }

    @Test func aDeadlineEndsAWaitNobodyRang() async {
        let clock = ManualClock()
        let bell = Doorbell()
        let waiting = Task { await bell.wait(until: clock.now.advanced(by: .seconds(1)), clock: clock) }
        await clock.waitForSleepers(1)
        clock.advance(by: .seconds(1))
        #expect(await waiting.value == false)
        let rung = Task { await bell.wait(until: clock.now.advanced(by: .seconds(1)), clock: clock) }
        await clock.waitForSleepers(1)
        bell.ring()
        #expect(await rung.value == true)
    }
}
