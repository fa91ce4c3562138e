import Foundation
import MQTTTestSupport
import Testing

/// The real `hearth` binary in tmux against a real mosquitto seeded with retained topics.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DashboardEndToEndTests {
    /// Runs `body` with a mosquitto seeded with three retained topics, and its port.
    private func withSeededBroker(_ body: (Mosquitto, String) async throws -> Void) async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            for (topic, payload) in [("home/kitchen/temperature", "21.5"), ("home/kitchen/light", "ON"), ("home/hall/door", "closed")] {
                try await ChildProcess.run(["mosquitto_pub", "-p", port, "-r", "-t", topic, "-m", payload])
            }
            try await body(broker, port)
        }
    }

    @Test func retainedFirstScreenPublishClearResizeAndQuit() async throws {
        try await withSeededBroker { broker, port in
            try await Tmux.with("'\(HearthExecutable.path)' -p \(port)", width: 120, height: 40) { tmux in

                // The retained values are on the first screen, without a key press.
                var screen = try await tmux.waitFor { $0.contains("3 ◉ retained") && $0.contains("door") && $0.contains("21.5") }
                #expect(screen.contains("3 ◉ retained"), "\(screen)")
                #expect(screen.split(separator: "\n").filter { $0.hasPrefix("◉") }.count == 3, "\(screen)")

                // Navigate to the light, publish OFF with retain on.
                try await tmux.keys("/")
                try await tmux.type("kitchen/light")
                try await tmux.keys("Enter")
                try await tmux.see("│ home/kitchen/light")
                try await tmux.keys("p")
                screen = try await tmux.see("[ ] not retained")
                #expect(screen.contains("Topic    home/kitchen/light"), "\(screen)")
                try await tmux.type("OFF")
                try await tmux.keys("C-r")
                try await tmux.see("[x] retained")
                try await tmux.keys("C-s")
                try await tmux.see("✓ home/kitchen/light: sent")
                #expect(try await retainedValue("home/kitchen/light", port: broker.port()) == "1 OFF")
                try await tmux.keys("Escape")

                // Clear it with d, confirmed with y.
                try await tmux.keys("d")
                try await tmux.see("Clear the retained value of home/kitchen/light?")
                try await tmux.keys("y")
                screen = try await tmux.see("cleared 1 retained value")
                screen = try await tmux.waitFor { $0.split(separator: "\n").contains { $0.hasPrefix("⊘") && $0.contains("light") } }
                #expect(screen.split(separator: "\n").contains { $0.hasPrefix("⊘") && $0.contains("light") }, "\(screen)")
                #expect(try await retainedValue("home/kitchen/light", port: broker.port()) == "")

                // Resize: stacked, too small, and back.
                try await tmux.resize(width: 80, height: 24)
                try await tmux.see("── detail")
                try await tmux.resize(width: 30, height: 8)
                try await tmux.see("too small")
                try await tmux.resize(width: 100, height: 30)
                screen = try await tmux.waitFor { $0.contains("door") && !$0.contains("too small") }
                #expect(screen.contains("door") && !screen.contains("too small"), "\(screen)")

                // Quit: the program ends and the terminal is back to normal.
                try await tmux.keys("q")
                screen = try await tmux.waitFor { $0.contains("EXITED") }
                #expect(screen.contains("EXITED 0"), "\(screen)")
                #expect(try await tmux.display("alternate_on") == "0")
                _ = broker
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func agesMoveWithoutAKeyAndARestartMarksLostRetainedValuesGone() async throws {
        try await withSeededBroker { broker, port in
            try await Tmux.with("'\(HearthExecutable.path)' -p \(port)", width: 120, height: 40) { tmux in
                try await tmux.see("3 ◉ retained")
                try await tmux.keys("/door", "Enter")
                let age = { (screen: String) -> Substring? in screen.firstMatch(of: /\((\d+) s ago\)/)?.output.1 }
                let first = try #require(age(try await tmux.see(" s ago)")))
                // No key is pressed: the age moves on by itself.
                let moved = try await tmux.waitFor { age($0).map { $0 != first } ?? false }
                #expect(age(moved).map { $0 != first } == true, "still \(first) s:\n\(moved)")

                // mosquitto dies and comes back without persistence: the retained values are gone.
                await broker.kill()
                try await tmux.see("reconnecting in")
                try await broker.launch()
                // The whole screen settled (a capture can catch a frame half written).
                let gone = try await tmux.waitFor { screen in
                    screen.contains("● connected") && screen.contains("0 ◉ retained")
                        && screen.split(separator: "\n").filter { $0.hasPrefix("◌") }.count == 3 && screen.contains("◌ gone")
                }
                #expect(gone.contains("0 ◉ retained"), "\(gone)")
                #expect(gone.split(separator: "\n").filter { $0.hasPrefix("◌") }.count == 3, "\(gone)")
                #expect(gone.contains("◌ gone: the broker no longer retains it"), "\(gone)")
            }
        }
    }

    @Test func aMultiLinePasteBecomesThePayload() async throws {
        try await withSeededBroker { broker, port in
            try await Tmux.with("'\(HearthExecutable.path)' -p \(port)", width: 120, height: 40) { tmux in
                try await tmux.see("door")
                try await tmux.keys("/")
                try await tmux.type("hall/door")
                try await tmux.keys("Enter")
                try await tmux.see("│ home/hall/door")
                try await tmux.keys("p")
                try await tmux.see("[ ] not retained")
                // Pasted newlines are text: the dialog stays open with two payload lines.
                try await tmux.paste("line one\nline two")
                try await tmux.see("line two")
                try await tmux.keys("C-r")
                try await tmux.keys("C-s")
                try await tmux.see("✓ home/hall/door: sent")
                #expect(try await retainedValue("home/hall/door", port: broker.port()) == "1 line one\nline two")
                _ = broker
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func anEndOfPasteSplitOverThreeWritesLeavesTheKeysWorking() async throws {
        try await withSeededBroker { broker, port in
            try await Tmux.with("'\(HearthExecutable.path)' -p \(port)", width: 120, height: 40) { tmux in
                try await tmux.see("door")
                try await tmux.keys("p")
                try await tmux.see("[ ] not retained")
                // The bytes of a paste as an SSH link may split them: the end marker in two writes.
                try await tmux.type("\u{1b}[200~hello")
                try await tmux.type("\u{1b}[20")
                try await tmux.type("1~")
                try await tmux.see("hello")
                try await tmux.keys("Escape")
                let closed = try await tmux.waitFor { !$0.contains("not retained") }
                #expect(!closed.contains("not retained"), "Escape closes the dialog:\n\(closed)")
                try await tmux.keys("q")
                try await tmux.see("EXITED 0")
                _ = broker
            }
        }
    }

    @Test func sigtermAndCtrlCRestoreTheTerminal() async throws {
        try await withSeededBroker { broker, port in
            for ending in ["C-c", "TERM"] {
                try await Tmux.with("'\(HearthExecutable.path)' -p \(port)", width: 100, height: 30) { tmux in
                    let screen = try await tmux.waitFor { $0.contains("door") }
                    #expect(screen.contains("door"), "\(screen)")
                    if ending == "C-c" {
                        try await tmux.keys("C-c")
                    } else {
                        let pid = try #require(Self.process(commandLine: [HearthExecutable.path, "-p", "\(port)"]))
                        kill(pid, SIGTERM)
                    }
                    let after = try await tmux.waitFor { $0.contains("EXITED") }
                    #expect(after.contains("EXITED 0"), "\(ending): \(after)")
                    #expect(try await tmux.display("alternate_on") == "0", "\(ending)")
                }
            }
            _ = broker
        }
    }

    @Test(arguments: [["TERM": "linux"], ["TERM": "vt100"], ["TERM": "screen"], ["TERM": "xterm-256color", "NO_COLOR": "1"],
                      ["TERM": "xterm-256color", "LANG": "C", "LC_ALL": ""]])
    func worksOnBasicTerminalsAndWithoutColourOrLocale(environment: [String: String]) async throws {
        try await withSeededBroker { broker, port in
            try await Tmux.with("'\(HearthExecutable.path)' -p \(port)", width: 80, height: 24, environment: environment) { tmux in
                let screen = try await tmux.waitFor { $0.contains("3◉ · ") && $0.contains("door") }
                #expect(screen.contains("3 topics · 3◉ · ") && screen.split(separator: "\n").contains { $0.hasPrefix("◉") }, "\(environment): \(screen)")
                try await tmux.keys("q")
                let after = try await tmux.waitFor { $0.contains("EXITED") }
                #expect(after.contains("EXITED 0"), "\(environment): \(after)")
                // Without an alternate screen (TERM=linux) the last frame is cleared, not left under the prompt.
                #expect(!after.contains("door") && !after.contains("q quit"), "\(environment): \(after)")
                _ = broker
            }
        }
    }

    @Test func theFirstScreenShowsEveryTemperatureWithASparklineAndSearchFindsABranch() async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            try await Tmux.with("'\(HearthExecutable.path)' -p \(port)", width: 120, height: 40) { tmux in
                _ = try await tmux.waitFor { $0.contains("connected") }
                // Three readings each from four rooms in three conventions.
                for step in 0..<3 {
                    let wave = Double(step) * 0.4
                    for (topic, payload) in [
                        ("zigbee2mqtt/bedroom_sensor", #"{"temperature": \#(19 + wave), "humidity": 50}"#),
                        ("esphome/bathroom/sensor/temperature/state", "\(23 - wave)"),
                        ("tele/tasmota_office/SENSOR", #"{"AM2301": {"Temperature": \#(20 + wave)}}"#),
                        ("home/living_room/temperature", "\(21 + wave) °C"),
                    ] {
                        try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", topic, "-m", payload])
                    }
                }
                let rooms = ["bedroom_sensor", "bathroom", "tasmota_office", "living_room"]
                // No key pressed: the whole broker's overview, a sparkline on every room's line.
                // The detail pane: what follows the divider on each line.
                func detail(_ screen: String) -> [Substring] {
                    screen.split(separator: "\n").compactMap { line in line.firstIndex(of: "│").map { line[line.index(after: $0)...] } }
                }
                func shown(_ room: String, in screen: String) -> Bool {
                    detail(screen).contains { $0.contains(room) && $0.contains(where: { "▁▂▃▄▅▆▇█".contains($0) }) && $0.contains("<1m") }
                }
                let screen = try await tmux.waitFor { screen in rooms.allSatisfy { shown($0, in: screen) } }
                #expect(screen.contains("all topics") && screen.contains("4 temperatures"), "\(screen)")
                for room in rooms { #expect(shown(room, in: screen), "\(room): \(screen)") }
                // `/` finds a branch: its overview replaces the whole broker's.
                try await tmux.keys("/")
                try await tmux.type("zigbee2mqtt")
                try await tmux.keys("Enter")
                let branch = try await tmux.waitFor { $0.contains("│ zigbee2mqtt") }
                #expect(branch.contains("1 temperature · 1 reading"), "\(branch)")
                // `y` says what it did in the footer.
                try await tmux.keys("y")
                let copied = try await tmux.waitFor { $0.contains("copied the topic (OSC 52)") }
                #expect(copied.contains("copied the topic (OSC 52)"), "\(copied)")
                // The test's tmux keeps its default, set-clipboard external: the footer says what to set.
                #expect(copied.contains("set -g set-clipboard on"), "\(copied)")
                try await tmux.keys("q")
                _ = try await tmux.waitFor { $0.contains("EXITED") }
            }
        }
    }

    /// The process running exactly this command line, from /proc (no procps needed).
    private static func process(commandLine: [String]) -> pid_t? {
        let wanted = commandLine.joined(separator: "\0") + "\0"
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(pid_t.init).first { pid in
            (try? String(contentsOfFile: "/proc/\(pid)/cmdline", encoding: .utf8)) == wanted
        }
    }

    @Test func badThemesUnreachableBrokersAndPipesFailWithOneLine() async throws {
        // In a terminal: the error is one line, and the screen was never taken over.
        // Wide enough that the line (with its hint) does not wrap.
        try await Tmux.with("'\(HearthExecutable.path)' -p \(LoopbackPort.free()) -h 127.0.0.1", width: 160, height: 30) { tmux in
            let screen = try await tmux.waitFor { $0.contains("EXITED") }
            let lines = screen.split(separator: "\n")
            #expect(lines.first?.hasPrefix("Error: ") == true && lines.first?.contains("refused") == true, "\(screen)")
            #expect(lines.count == 2 && lines.last == "EXITED 1", "\(screen)")

            let piped = try await HearthExecutable.run(["-p", "1", "-h", "127.0.0.1"])
            #expect(piped.status != 0)
            #expect(piped.stderr == "Error: the dashboard needs a terminal (use hearth sub or hearth tree in pipes and scripts)\n")
            let theme = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-bad-theme-\(getpid()).toml")
            try "name = \"x\"\n[roles]\ntext = { fg = \"nope\" }\n".write(to: theme, atomically: true, encoding: .utf8)
            let bad = try await HearthExecutable.run(["--theme", theme.path])
            #expect(bad.status != 0)
            #expect(bad.stderr.contains("line 3: role 'text': fg: unknown colour 'nope'"), "\(bad.stderr)")
            #expect(bad.stderr.split(separator: "\n").count == 1, "\(bad.stderr)")
        }
    }
}
