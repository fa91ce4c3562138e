import Foundation
@testable import HearthKit
import Synchronization
import Testing
import Watch

/// Rules' actions as real processes: the event in the environment, the exit status and the
/// first line of stderr, the time limit, one run at a time per rule, and the rate across rules.
@Suite(.timeLimit(.minutes(1))) struct ActionQueueTests {
    let event = WatchEvent(kind: .fired, rule: "freezer", severity: .critical, broker: "home", topic: "kitchen/freezer", value: "-3",
                           time: 1_800_000_000)

    @Test func aRunSeesTheEventAndSaysHowItEnded() async {
        let check = #"test "$HEARTH_RULE $HEARTH_TOPIC $HEARTH_VALUE $HEARTH_STATE $HEARTH_SEVERITY $HEARTH_BROKER" = "freezer kitchen/freezer -3 fired critical home""#
        let job = ActionQueue.Job(rule: Rule(name: "freezer", filter: "#", condition: .stale), event: event, broker: 0)
        #expect(await ActionQueue.run(["sh", "-c", check], environment: job.variables, timeout: 10) == "ok")
        #expect(await ActionQueue.run(["sh", "-c", "echo no display >&2; echo more >&2; exit 3"], environment: [:], timeout: 10)
                == "sh exited 3: no display")
        #expect(await ActionQueue.run(["hearth-no-such-program"], environment: [:], timeout: 10)
                == "could not start hearth-no-such-program: not found in PATH")
    }

    @Test func aRunThatOutstaysItsTimeLimitIsStopped() async {
        let started = ContinuousClock.now
        let result = await ActionQueue.run(["sleep", "30"], environment: [:], timeout: 0.5)
        #expect(result == "sleep stopped after 0.5 s")
        // Stopped, not waited for: far less than its 30 s (a bound, not a timing assertion).
        #expect(ContinuousClock.now - started < .seconds(20))
    }

    @Test func oneRunAtATimePerRuleAndARateAcrossRules() async throws {
        try await withFolder { folder in
            // Each run notes its start and end; overlapping runs of one rule would interleave them.
            let log = folder + "/log"
            let script = "echo start $HEARTH_STATE >> \(log); sleep 0.2; echo end $HEARTH_STATE >> \(log)"
            let warnings = Mutex<[String]>([])
            let queue = ActionQueue(perMinute: 4, now: event.time, publish: { _, _ in }, warn: { line in warnings.withLock { $0.append(line) } })
            let rule = Rule(name: "freezer", filter: "#", condition: .stale, actions: RuleActions(run: ["sh", "-c", script]))
            for kind in [WatchEvent.Kind.fired, .resolved, .fired, .resolved, .fired, .resolved] {
                var next = event
                next.kind = kind
                queue.submit(ActionQueue.Job(rule: rule, event: next, broker: 0), now: event.time)
            }
            await queue.drain()
            let lines = (try? String(contentsOfFile: log, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
            #expect(lines == ["start fired", "end fired", "start resolved", "end resolved", "start fired", "end fired", "start resolved", "end resolved"])
            // Two skipped, said once: the first at once, the rest with the next word a minute on.
            #expect(warnings.withLock { $0 } == ["rule 'freezer': fired on kitchen/freezer: action skipped: over 4 actions a minute"])
            #expect(queue.results.actions.count == 1)
            // The last to finish: the fourth run (the skipped ones were said as they were skipped).
            #expect(queue.results.actions["freezer"]?.result == "ok")
        }
    }
}
