import Foundation
import HistoryStore
import MQTT
import MQTTTestSupport
import Testing

/// `hearth watch` and `hearth check` against mosquitto: a sensor that goes quiet, a Tasmota
/// LWT, a flapping sensor, a sensor that died before the watch began, the four plugin statuses,
/// and a broken rule.
@Suite(.serialized, .timeLimit(.minutes(3))) struct WatchEndToEndTests {
    /// A config for one broker (`home`) with `rules`, a state folder, and a script that appends
    /// each action's `HEARTH_*` variables to a file; runs `body` with the environment, the
    /// script's path and the file it writes.
    private func withWatch(port: Int, rules: String,
                           _ body: (_ environment: [String: String], _ script: String, _ actions: String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-watch-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/state/hearth", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let script = folder + "/action.sh", actions = folder + "/actions.log"
        try "#!/bin/sh\necho \"$HEARTH_STATE $HEARTH_RULE $HEARTH_TOPIC $HEARTH_VALUE\" >> '\(actions)'\n".write(toFile: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script)
        let config = "default = \"home\"\n[profiles.home]\nhost = \"127.0.0.1\"\nport = \(port)\n\n" + rules.replacingOccurrences(of: "SCRIPT", with: script)
        try await ProfileTests.withConfig(config) { environment, _ in
            try await body(environment.merging(["XDG_STATE_HOME": folder + "/state"]) { $1 }, script, actions)
        }
    }

    /// The lines of a file (the actions' log), none when it is not there yet.
    private func lines(_ path: String) -> [String] {
        ((try? String(contentsOfFile: path, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The events on a watch's stdout, each as "event topic value".
    private func events(_ stdout: String) -> [String] {
        stdout.split(separator: "\n").compactMap { line in
            guard let object = try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
                  let event = object["event"] as? String, let topic = object["topic"] as? String else { return nil }
            return "\(event) \(topic)" + ((object["value"] as? String).map { " \($0)" } ?? "")
        }
    }

    private func launchWatch(_ arguments: [String] = [], environment: [String: String]) async throws -> ChildProcess {
        let watch = try ChildProcess.launch([HearthExecutable.path, "watch"] + arguments, environment: environment)
        try await watch.waitForOutput("connected to")
        return watch
    }

    @Test func aSensorThatStopsFiresOnceRunsItsActionAndResolvesWhenItReturns() async throws {
        try await Mosquitto.with { broker in
            let port = broker.port()
            let rules = "[[rules]]\nname = \"freezer quiet\"\ntopic = \"fixture/+/temperature\"\nsilent = \"5s\"\nrun = [\"SCRIPT\"]\n"
            try await withWatch(port: port, rules: rules) { environment, _, actions in
                let watch = try await launchWatch(environment: environment)
                // A sensor every 2 s (its pace, not a wait), then nothing: quiet for 5 s fires
                // within 3 intervals, the watch ticking once a second. (A shorter span would fire on
                // a busy machine that stalls the watch for longer than it.) The pace is a shell's,
                // in a process of its own: this suite's other tests can keep its own threads busy
                // for seconds, and a sensor paced by them would really have gone quiet.
                let sensor = "for v in 3 4 5 6; do mosquitto_pub -p \(port) -q 1 -t fixture/freezer/temperature -m -1$v || exit 1; "
                    + "[ $v = 6 ] || sleep 2; done"
                let paced = try await ChildProcess.run(["/bin/sh", "-c", sensor], timeout: 30)
                #expect(paced.status == 0, "\(paced.stderr)")
                #expect(events(watch.stdout).isEmpty, "a steady sensor never fires: \(watch.stdout)")
                var out = await watch.waitForStdout { events($0).count >= 1 }
                #expect(events(out) == ["fired fixture/freezer/temperature -16"], "\(out)\(watch.stderr)")
                try await waitUntil("the action") { lines(actions).count == 1 }
                #expect(lines(actions) == ["fired freezer quiet fixture/freezer/temperature -16"])
                // It returns: resolved, and the action runs again for it; never a second firing.
                try await publish(port, "fixture/freezer/temperature", "-17", retain: false)
                out = await watch.waitForStdout { events($0).count >= 2 }
                // (Quiet again after it, the sensor may fire anew: only the first two count.)
                #expect(Array(events(out).prefix(2)) == ["fired fixture/freezer/temperature -16", "resolved fixture/freezer/temperature -17"], "\(out)")
                try await waitUntil("the second action") { lines(actions).count >= 2 }
                #expect(lines(actions).dropFirst().first == "resolved freezer quiet fixture/freezer/temperature -17")
                watch.signal(SIGTERM)
                let result = await watch.wait(timeout: 20)
                #expect(result.status == 0, "\(result.stderr)")
            }
        }
    }

    @Test func aTasmotaLWTOfflineFiresAndABrokerThatIsDownIsUnknown() async throws {
        try await Mosquitto.with { broker in
            let port = broker.port()
            let rules = "[[rules]]\nname = \"plug offline\"\ntopic = \"tele/+/LWT\"\noffline = true\nseverity = \"critical\"\n"
            try await withWatch(port: port, rules: rules) { environment, _, _ in
                try await publish(port, "tele/garage_plug/LWT", "Online")
                let watch = try await launchWatch(environment: environment)
                try await publish(port, "tele/garage_plug/LWT", "Offline")
                var out = await watch.waitForStdout { events($0).count >= 1 }
                #expect(events(out) == ["fired tele/garage_plug/LWT Offline"], "\(out)")
                #expect(out.contains(#""severity":"critical","broker":"home""#), "\(out)")
                try await publish(port, "tele/garage_plug/LWT", "Online")
                out = await watch.waitForStdout { events($0).count >= 2 }
                #expect(events(out).last == "resolved tele/garage_plug/LWT Online", "\(out)")
                // The broker goes away: the rule is unknown, never firing; the watch waits for it.
                await broker.kill()
                out = await watch.waitForStdout { events($0).count >= 3 }
                #expect(events(out).last == "unknown tele/+/LWT", "\(out)")
                #expect(out.contains(#""reason":"#), "\(out)")
                try await broker.launch()
                try await watch.waitForOutput("connected to 127.0.0.1:\(port)", seconds: 30)
                watch.signal(SIGTERM)
                #expect(await watch.wait(timeout: 20).status == 0)
            }
        }
    }

    @Test func aFlappingSensorIsRateLimited() async throws {
        try await Mosquitto.with { broker in
            let port = broker.port()
            let rules = "[[rules]]\nname = \"door open\"\ntopic = \"fixture/door\"\nequals = \"open\"\nrun = [\"SCRIPT\"]\n"
            try await withWatch(port: port, rules: rules) { environment, _, actions in
                let watch = try await launchWatch(["--actions-per-minute", "3"], environment: environment)
                for _ in 0..<5 {
                    try await publish(port, "fixture/door", "open", retain: false)
                    try await publish(port, "fixture/door", "closed", retain: false)
                }
                // Every transition is said; three actions run, the rest are skipped and logged.
                let out = await watch.waitForStdout { events($0).count >= 10 }
                #expect(events(out).count == 10, "\(out)")
                try await watch.waitForOutput("action skipped: over 3 actions a minute")
                try await waitUntil("three actions") { lines(actions).count == 3 }
                watch.signal(SIGTERM)
                let result = await watch.wait(timeout: 20)
                #expect(lines(actions).count == 3, "\(lines(actions))")
                // Said once (then once a minute with a count), not once per skipped action.
                #expect(result.stderr.components(separatedBy: "action skipped").count - 1 == 1, "\(result.stderr)")
            }
        }
    }

    @Test func aSensorThatDiedBeforeTheWatchFiresAtOnceFromTheStoreAndARestartDoesNotFireItAgain() async throws {
        try await Mosquitto.with { broker in
            let port = broker.port()
            let rules = "[[rules]]\nname = \"stale sensor\"\ntopic = \"fixture/+/temperature\"\nstale = true\n"
            try await withWatch(port: port, rules: rules) { environment, _, _ in
                // Recorded: both every 10 s; the cellar's stopped ten minutes ago, the attic's just now.
                let store = try SQLiteStore(path: environment["XDG_STATE_HOME", default: ""] + "/hearth/127.0.0.1-\(port).sqlite")
                let now = Date().timeIntervalSince1970
                func reading(_ topic: String, _ value: String, at time: Double) -> MQTTMessage {
                    MQTTMessage(topic: topic, payload: Array(value.utf8), receivedAt: Date(timeIntervalSince1970: time))
                }
                var recorded: [MQTTMessage] = []
                for step in 0..<20 {
                    let ago = Double(20 - step) * 10
                    recorded.append(reading("fixture/cellar/temperature", "12.\(step % 10)", at: now - 600 - ago))
                    recorded.append(reading("fixture/attic/temperature", "25", at: now - 5 - ago))
                }
                try await store.write(recorded, broker: "127.0.0.1:\(port)")
                var watch = try await launchWatch(environment: environment)
                var out = await watch.waitForStdout { events($0).count >= 1 }
                #expect(events(out) == ["fired fixture/cellar/temperature 12.9"], "\(out)")
                #expect(watch.stderr.contains("read the past of 2 topics from"), "\(watch.stderr)")
                watch.signal(SIGTERM)
                #expect(await watch.wait(timeout: 20).status == 0)

                // A restart: the state file says it fired; the cellar's return is the first word.
                watch = try await launchWatch(environment: environment)
                try await publish(port, "fixture/cellar/temperature", "13", retain: false)
                out = await watch.waitForStdout { events($0).count >= 1 }
                #expect(events(out) == ["resolved fixture/cellar/temperature 13"], "\(out)")
                watch.signal(SIGTERM)
                #expect(await watch.wait(timeout: 20).status == 0)
            }
        }
    }

    @Test func theDashboardShowsWhatFiresAndItsSilenceReachesTheWatch() async throws {
        try await Mosquitto.with { broker in
            let port = broker.port()
            let rules = "[[rules]]\nname = \"door open\"\ntopic = \"fixture/door\"\nequals = \"open\"\nrun = [\"SCRIPT\"]\n"
            try await withWatch(port: port, rules: rules) { environment, _, actions in
                let watch = try await launchWatch(environment: environment)
                try await publish(port, "fixture/door", "open")
                try await waitUntil("the action") { lines(actions).count == 1 }
                try await Tmux.with("'\(HearthExecutable.path)'", width: 120, height: 40, environment: environment) { tmux in
                    // The header counts it; the overview lists it first; a shows the rule and its last action.
                    var screen = try await tmux.waitFor { $0.contains("⚠ 1 alert") && $0.contains("⚠ door open: fixture/door open") }
                    #expect(screen.contains("⚠ 1 alert") && screen.contains("⚠ door open: fixture/door open"), "\(screen)")
                    try await tmux.keys("a")
                    screen = try await tmux.waitFor { $0.contains("rules: 1 of 1 firing") && $0.contains("action ok") }
                    #expect(screen.split(separator: "\n").contains { $0.contains("● door open") && $0.contains("firing since") && $0.contains("action ok") },
                            "\(screen)")
                    // s: silenced for an hour, here and in the watch, which runs no action for it.
                    try await tmux.keys("s")
                    try await tmux.see("door open: silenced for an hour")
                    try await watch.waitForOutput("rule 'door open': silenced until")
                    try await publish(port, "fixture/door", "closed")
                    let out = await watch.waitForStdout { events($0).count >= 2 }
                    #expect(out.split(separator: "\n").last?.contains(#""event":"resolved""#) == true && out.hasSuffix("\"silenced\":true}\n"), "\(out)")
                    screen = try await tmux.waitFor { $0.contains("rules: 0 of 1 firing") }
                    #expect(screen.contains("silenced 59 min more") || screen.contains("silenced 1 h more"), "\(screen)")
                    try await tmux.keys("Escape", "q")
                }
                watch.signal(SIGTERM)
                #expect(await watch.wait(timeout: 20).status == 0)
                #expect(lines(actions) == ["fired door open fixture/door open"])
            }
        }
    }

    @Test func checkSaysOKWarningCriticalAndUnknownWithPerfdata() async throws {
        try await Mosquitto.with { broker in
            let port = broker.port()
            let rules = """
                [[rules]]
                name = "door open"
                topic = "fixture/door"
                equals = "open"

                [[rules]]
                name = "too warm"
                topic = "fixture/+/temperature"
                above = 30
                severity = "critical"
                """
            try await withWatch(port: port, rules: rules) { environment, _, _ in
                try await publish(port, "fixture/door", "closed")
                try await publish(port, "fixture/attic/temperature", "24")
                func check() async throws -> ChildProcess.Result {
                    try await HearthExecutable.run(["check"], environment: environment, timeout: 30)
                }
                var result = try await check()
                #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
                #expect(result.stdout == "HEARTH OK - 2 rules clear over 2 topics | firing=0 critical=0 warning=0 rules=2 topics=2\n")
                try await publish(port, "fixture/door", "open")
                result = try await check()
                #expect(result.status == 1)
                #expect(result.stdout == "HEARTH WARNING - door open: fixture/door open | firing=1 critical=0 warning=1 rules=2 topics=2\n")
                try await publish(port, "fixture/attic/temperature", "31.5")
                result = try await check()
                #expect(result.status == 2)
                #expect(result.stdout == "HEARTH CRITICAL - too warm: fixture/attic/temperature 31.5; door open: fixture/door open"
                        + " | firing=2 critical=1 warning=1 rules=2 topics=2\n", "\(result.stdout)")
                // One rule, by name.
                result = try await HearthExecutable.run(["check", "--rule", "door open"], environment: environment, timeout: 30)
                #expect(result.status == 1 && result.stdout.hasSuffix("| firing=1 critical=0 warning=1 rules=1 topics=1\n"), "\(result.stdout)")
                await broker.kill()
                result = try await check()
                #expect(result.status == 3)
                #expect(result.stdout.hasPrefix("HEARTH UNKNOWN - cannot reach home: connection failed: 127.0.0.1:\(port): connection refused"), "\(result.stdout)")
            }
        }
    }

    @Test func aBrokenRuleIsOneLineAndNothingStarts() async throws {
        let cases = [
            ("[[rules]]\nname = \"quiet\"\ntopic = \"a/#\"\nsilent = \"ten minutes\"\n", "line 9: rules: rule 'quiet': silent must be a span such as \"90s\""),
            ("[[rules]]\nname = \"notify\"\ntopic = \"a\"\nstale = true\nrun = [\"hearth-no-such-notifier\"]\n",
             "line 10: rules: rule 'notify': run: no program 'hearth-no-such-notifier' (not found in PATH)"),
            ("[[rules]]\nname = \"odd\"\ntopic = \"a\"\nwarm = true\n", "line 9: rules: unknown key 'warm'"),
        ]
        for (rules, expected) in cases {
            try await withWatch(port: 1, rules: rules) { environment, _, _ in
                let watch = try await HearthExecutable.run(["watch"], environment: environment, timeout: 30)
                let lines = watch.stderr.split(separator: "\n")
                #expect(watch.status == 64 && watch.stdout.isEmpty, "\(watch.stdout)")
                #expect(lines.count == 1 && lines[0].hasPrefix("Error: config ") && lines[0].contains(expected), "\(watch.stderr)")
                // check: the plugin's UNKNOWN, with the same line.
                let check = try await HearthExecutable.run(["check"], environment: environment, timeout: 30)
                #expect(check.status == 3 && check.stdout.hasPrefix("HEARTH UNKNOWN - config ") && check.stdout.contains(expected), "\(check.stdout)")
                #expect(check.stdout.split(separator: "\n").count == 1 && check.stderr.isEmpty, "\(check.stderr)")
            }
        }
    }
}
