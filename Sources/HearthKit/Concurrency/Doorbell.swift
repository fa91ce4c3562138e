import Synchronization

/// What tasks wait for instead of polling: rung from any thread, awaited by any number of tasks.
///
/// A `Doorbell()` is taken by the wait it ends (work arrived: the next wait waits again). A
/// `Doorbell.latching()` stays rung once rung (a stop: every waiter, now and later, returns).
/// A waiting task that is cancelled returns at once, so a bell can race a deadline in a task
/// group.
public final class Doorbell: Sendable {
    private struct State {
        var rung = false
        var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())
    /// Whether a wait leaves the signal rung.
    private let sticky: Bool

    /// A bell that each wait takes.
    public init() {
        sticky = false
    }

    private init(sticky: Bool) {
        self.sticky = sticky
    }

    /// A bell that stays rung once rung: a stop.
    public static func latching() -> Doorbell { Doorbell(sticky: true) }

    /// Whether it was rung (and, unless latching, not taken since).
    public var isRung: Bool { state.withLock { $0.rung } }

    /// Rings: resumes every waiter, or (with none) leaves it rung for the next wait.
    public func ring() {
        let waiters = state.withLock { state in
            defer { state.waiters.removeAll() }
            state.rung = sticky || state.waiters.isEmpty
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume() }
    }

    /// Returns once rung, or when the task is cancelled.
    public func wait() async {
        let id = state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let now = state.withLock { state -> Bool in
                    if state.rung {
                        state.rung = sticky
                        return true
                    }
                    // Cancelled before the handler below could see this continuation.
                    if Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if now { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// Waits until rung or until `clock` reaches `deadline`, whichever is first; returns
    /// whether it was rung.
    public func wait<C: Clock>(until deadline: C.Instant, clock: C) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.wait()
                return !Task.isCancelled
            }
            group.addTask {
                try? await clock.sleep(until: deadline, tolerance: nil)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
