import DequeModule
import Foundation
import Synchronization
import Watch

/// Runs rules' actions, bounded: one at a time per rule (later ones wait, a few at most), each
/// `run` and `publish` within the rule's time limit, and no more than `perMinute` actions a
/// minute across all rules, so a flapping sensor can neither fork-bomb the host nor flood a phone.
///
/// How each rule's last action went is kept for the state file; a failure is a line on stderr
/// with its exit status and the first line of its stderr. Skipped actions are one line a minute
/// with their count, not one each.
public final class ActionQueue: Sendable {
    /// Runs a rule waits with while one of its runs goes on; more are dropped.
    public static let waitingLimit = 4

    /// One action to take: the rule, the event, and its broker's number.
    public struct Job: Sendable {
        public var rule: Rule
        public var event: WatchEvent
        public var broker: Int

        public init(rule: Rule, event: WatchEvent, broker: Int) {
            self.rule = rule
            self.event = event
            self.broker = broker
        }

        /// What the templates and the program's environment know of the event.
        var variables: [String: String] {
            ["rule": event.rule, "topic": event.topic, "value": event.value ?? "", "state": event.kind.rawValue, "broker": event.broker,
             "severity": event.severity.rawValue, "time": WatchEventLine.timestamp(event.time)]
        }
    }

    private struct State {
        /// Rules with a run going on, and what waits behind it.
        var waiting: [String: Deque<Job>] = [:]
        /// Actions still allowed this minute (refilled continuously).
        var tokens: Double
        var refilled: Double
        /// Runs going on, for `drain`.
        var running = 0
        /// Each rule's last action, and a count of changes to them.
        var results: [String: WatchState.ActionResult] = [:]
        var resultVersion = 0
        /// Actions skipped since the last line that said so, and when that was.
        var skipped = 0
        var skipSaidAt = -Double.infinity
    }

    public let perMinute: Int
    private let state: Mutex<State>
    private let publish: @Sendable (Int, PublishTemplate) async throws -> Void
    private let warn: @Sendable (String) -> Void
    /// Rung when the last running action ends (`drain` waits for it).
    private let idle = Doorbell()

    /// - Parameter publish: sends a filled template on a broker's client.
    public init(perMinute: Int, now: Double, publish: @escaping @Sendable (Int, PublishTemplate) async throws -> Void,
                warn: @escaping @Sendable (String) -> Void = { Diagnostics.warn($0) }) {
        self.perMinute = perMinute
        state = Mutex(State(tokens: Double(perMinute), refilled: now))
        self.publish = publish
        self.warn = warn
    }

    /// Takes up the last actions a saved state remembers (a restart keeps them).
    public func remember(_ results: [String: WatchState.ActionResult]) {
        state.withLock { state in state.results.merge(results) { current, _ in current } }
    }

    /// Each rule's last action, and a number that changes whenever they do.
    public var results: (actions: [String: WatchState.ActionResult], version: Int) {
        state.withLock { ($0.results, $0.resultVersion) }
    }

    private func report(_ rule: String, _ result: WatchState.ActionResult) {
        state.withLock { state in
            state.results[rule] = result
            state.resultVersion += 1
        }
    }

    /// Takes an event's actions, if the rate allows; never waits for them.
    public func submit(_ job: Job, now: Double) {
        guard !job.rule.actions.isEmpty else { return }
        enum Decision { case start, queued, overRate, overQueue }
        let decision = state.withLock { state -> Decision in
            state.tokens = min(Double(perMinute), state.tokens + (now - state.refilled) * Double(perMinute) / 60)
            state.refilled = now
            guard state.tokens >= 1 else { return .overRate }
            if var waiting = state.waiting[job.rule.name] {
                guard waiting.count < Self.waitingLimit else { return .overQueue }
                waiting.append(job)
                state.waiting[job.rule.name] = waiting
                state.tokens -= 1
                return .queued
            }
            state.tokens -= 1
            state.waiting[job.rule.name] = []
            state.running += 1
            return .start
        }
        switch decision {
        case .start: Task { await self.work(job) }
        case .queued: break
        case .overRate: skipped(job, "over \(perMinute) actions a minute", now: now)
        case .overQueue: skipped(job, "\(Self.waitingLimit) of its actions wait already", now: now)
        }
    }

    /// Waits for the actions going on and waiting (each within its time limit).
    public func drain() async {
        while state.withLock({ $0.running > 0 }) { await idle.wait() }
    }

    /// Notes a skipped action; says so at once, then at most once a minute with the count since.
    private func skipped(_ job: Job, _ why: String, now: Double) {
        report(job.rule.name, WatchState.ActionResult(time: job.event.time, result: "skipped: \(why)"))
        let count = state.withLock { state -> Int? in
            state.skipped += 1
            guard now - state.skipSaidAt >= 60 else { return nil }
            defer { state.skipped = 0 }
            state.skipSaidAt = now
            return state.skipped
        }
        guard let count else { return }
        let earlier = count > 1 ? " (and \(count - 1) more since the last word)" : ""
        warn("rule '\(job.rule.name)': \(job.event.kind.rawValue) on \(job.event.topic): action skipped: \(why)\(earlier)")
    }

    /// Takes `job`, then whatever waits behind it for the same rule.
    private func work(_ first: Job) async {
        var job = first
        while true {
            var results: [String] = []
            if let command = job.rule.actions.run {
                results.append(await Self.run(command, environment: job.variables, timeout: job.rule.actions.timeout))
            }
            if let template = job.rule.actions.publish {
                let filled = PublishTemplate(topic: PublishTemplate.fill(template.topic, job.variables),
                                             payload: PublishTemplate.fill(template.payload, job.variables), retain: template.retain)
                results.append(await Self.within(job.rule.actions.timeout, "publish to \(filled.topic)") { [publish, broker = job.broker] in
                    try await publish(broker, filled)
                })
            }
            let failures = results.filter { $0 != "ok" }
            for failure in failures { warn("rule '\(job.rule.name)': \(job.event.kind.rawValue) on \(job.event.topic): \(failure)") }
            report(job.rule.name, WatchState.ActionResult(time: Date().timeIntervalSince1970, result: failures.first ?? "ok"))
            let next = state.withLock { state -> Job? in
                guard let job = state.waiting[job.rule.name]?.popFirst() else {
                    state.waiting[job.rule.name] = nil
                    state.running -= 1
                    return nil
                }
                return job
            }
            guard let next else {
                if state.withLock({ $0.running == 0 }) { idle.ring() }
                return
            }
            job = next
        }
    }

    /// Runs `body` (a publish) within `timeout` seconds; "ok", or why not.
    static func within(_ timeout: Double, _ what: String, _ body: @escaping @Sendable () async throws -> Void) async -> String {
        await withTaskGroup(of: String?.self) { group in
            group.addTask {
                do {
                    try await body()
                    return "ok"
                } catch {
                    return "\(what) failed: \(error)"
                }
            }
            group.addTask {
                guard (try? await Task.sleep(for: .seconds(timeout))) != nil else { return nil }
                return "\(what) did not finish within \(TimeSpan(seconds: timeout))"
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first ?? "\(what) was cancelled"
        }
    }

    // MARK: Running a program

    /// Runs `command` without a shell (the program found on the PATH as the config's check
    /// found it), the event in `HEARTH_*` variables, its output discarded; "ok", or why not.
    static func run(_ command: [String], environment variables: [String: String], timeout: Double) async -> String {
        guard let program = RuleTable.executable(command[0]) else { return "could not start \(command[0]): not found in PATH" }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = Array(command.dropFirst())
        var environment = ProcessInfo.processInfo.environment
        for (name, value) in variables { environment["HEARTH_" + name.uppercased()] = value.replacingOccurrences(of: "\u{0}", with: "") }
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        // Its stderr goes to a file: only the first line is wanted, and a pipe could fill.
        let errors = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-action-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: errors) }
        guard FileManager.default.createFile(atPath: errors.path, contents: nil), let errorHandle = try? FileHandle(forWritingTo: errors) else {
            return "could not start \(command[0]): no temporary file in \(FileManager.default.temporaryDirectory.path)"
        }
        process.standardError = errorHandle
        let exited = AsyncStream<Void>.makeStream()
        process.terminationHandler = { _ in exited.continuation.finish() }
        do {
            try process.run()
        } catch {
            try? errorHandle.close()
            return "could not start \(command[0]): \(error.localizedDescription)"
        }
        try? errorHandle.close()
        let pid = process.processIdentifier
        // Whether the limit stopped it: SIGTERM, then SIGKILL 2 s later, to its process group
        // (Foundation starts each child in its own), so what a script started stops too.
        let group = getpgid(pid) == pid ? -pid : pid
        let limit = Task { () -> Bool in
            guard (try? await Task.sleep(for: .seconds(timeout))) != nil else { return false }
            kill(group, SIGTERM)
            if (try? await Task.sleep(for: .seconds(2))) != nil { kill(group, SIGKILL) }
            return true
        }
        for await _ in exited.stream {}
        limit.cancel()
        let timedOut = await limit.value
        let firstLine = (try? FileHandle(forReadingFrom: errors).read(upToCount: 4096)).flatMap { $0 }
            .map { String(decoding: $0, as: UTF8.self).split(separator: "\n").first.map(String.init) ?? "" } ?? ""
        let said = firstLine.isEmpty ? "" : ": " + firstLine.trimmingCharacters(in: .whitespaces)
        if process.terminationReason == .uncaughtSignal {
            return timedOut ? "\(command[0]) stopped after \(TimeSpan(seconds: timeout))\(said)" : "\(command[0]) killed by signal \(process.terminationStatus)\(said)"
        }
        return process.terminationStatus == 0 ? "ok" : "\(command[0]) exited \(process.terminationStatus)\(said)"
    }
}
