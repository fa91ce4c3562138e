import Synchronization

/// When a collecting command (`sub -W`, `--retained-only`, `tree`) has collected enough: after a
/// time limit, or once messages have stopped for a while, and never while a hold lasts (a
/// reconnect's burst still being reconciled).
///
/// `wait()` sleeps until the earliest instant the collection could end, checks, and sleeps again
/// if a message or a hold moved that instant: no polling.
public final class CollectionDeadline<C: Clock>: Sendable where C.Duration == Duration {
    private struct State {
        var lastMessage: C.Instant
        var holdUntil: C.Instant?
    }

    private let state: Mutex<State>
    private let clock: C
    private let end: C.Instant?
    private let quiet: Duration?

    /// - Parameters:
    ///   - limit: the longest the collection runs; nil for no limit.
    ///   - quiet: end once no message arrived for this long; nil to ignore quiet.
    public init(limit: Duration?, quiet: Duration?, clock: C) {
        let now = clock.now
        self.clock = clock
        end = limit.map { now.advanced(by: $0) }
        self.quiet = quiet
        state = Mutex(State(lastMessage: now))
    }

    /// A message that counts for `quiet` arrived.
    public func messageArrived() {
        let now = clock.now
        state.withLock { $0.lastMessage = now }
    }

    /// Do not end before `duration` from now.
    public func hold(for duration: Duration) {
        let until = clock.now.advanced(by: duration)
        state.withLock { $0.holdUntil = until }
    }

    /// How long ago the last counted message arrived.
    public var sinceLastMessage: Duration {
        let last = state.withLock { $0.lastMessage }
        return last.duration(to: clock.now)
    }

    /// Returns once the collection is over; never, without a limit or `quiet` (cancel the task).
    /// Returns early when the task is cancelled.
    public func wait() async {
        while !Task.isCancelled {
            let (last, hold) = state.withLock { ($0.lastMessage, $0.holdUntil) }
            let candidates = [end, quiet.map { last.advanced(by: $0) }].compactMap { $0 }
            guard var due = candidates.min() else {
                // Nothing ends it: wait for cancellation.
                await Doorbell.latching().wait()
                return
            }
            if let hold, hold > due { due = hold }
            do {
                try await clock.sleep(until: due, tolerance: nil)
            } catch {
                return
            }
            if isOver(at: clock.now) { return }
        }
    }

    private func isOver(at now: C.Instant) -> Bool {
        let (last, hold) = state.withLock { ($0.lastMessage, $0.holdUntil) }
        if let hold, now < hold { return false }
        if let end, now >= end { return true }
        if let quiet, now >= last.advanced(by: quiet) { return true }
        return false
    }
}
