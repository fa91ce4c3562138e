import Foundation
@testable import HearthKit
import MQTT
import Testing
import Watch

/// The watcher and its state file, with the dashboard writing beside it: silences are taken rule
/// by rule, so a silence the watch ended stays ended; a broken file is moved aside.
@Suite(.timeLimit(.minutes(1))) struct WatcherStateTests {
    let start = 1_800_000_000.0

    private func withStateFile(_ body: (WatchStateFile, String) async throws -> Void) async throws {
        try await withFolder { folder in try await body(WatchStateFile(path: folder + "/hearth/watch-home.json"), folder) }
    }

    @Test func silencesAreTakenRuleByRule() async throws {
        try await withStateFile { file, _ in
            let rules = [Rule(name: "door", filter: "door", condition: .equals("open")), Rule(name: "window", filter: "window", condition: .equals("open"))]
            let watcher = Watcher(engine: RuleEngine(rules: rules, brokers: ["home"]), actions: nil, stateFile: file) { _ in }
            #expect(try await watcher.restore(now: start) == nil)
            await watcher.take([.message(message("door", "open", at: start))], broker: 0)
            await watcher.save(now: start)
            // The dashboard (another process: its own view of the file): the door silenced until it resolves.
            let dashboard = WatchStateFile(path: file.path)
            try dashboard.update { $0.silences = [WatchState.SavedSilence(rule: "door", until: nil)] }
            await watcher.save(now: start + 2)
            #expect(try file.load()?.silences == [WatchState.SavedSilence(rule: "door", until: nil)])
            // The door closes (its silence ends), while the dashboard, from what it read before,
            // silences the window too: the door's silence stays ended.
            await watcher.take([.message(message("door", "closed", at: start + 3))], broker: 0)
            try dashboard.update { $0.silences.append(WatchState.SavedSilence(rule: "window", until: start + 3600)) }
            await watcher.save(now: start + 4)
            let silences = try file.load()?.silences
            #expect(silences == [WatchState.SavedSilence(rule: "window", until: start + 3600)], "\(String(describing: silences))")
        }
    }

    @Test func eachRulesLastActionOutlivesARestart() async throws {
        try await withStateFile { file, _ in
            let rules = [Rule(name: "door", filter: "door", condition: .equals("open")), Rule(name: "window", filter: "window", condition: .equals("open"))]
            var saved = WatchState()
            saved.actions = ["door": WatchState.ActionResult(time: start - 60, result: "ok"),
                             "window": WatchState.ActionResult(time: start - 30, result: "notify-send exited 1: no display")]
            try file.update { $0 = saved }
            let actions = ActionQueue(perMinute: 10, now: start, publish: { _, _ in })
            let watcher = Watcher(engine: RuleEngine(rules: rules, brokers: ["home"]), actions: actions, stateFile: file) { _ in }
            _ = try await watcher.restore(now: start)
            await watcher.take([.message(message("door", "open", at: start))], broker: 0)
            await watcher.save(now: start + 1)
            #expect(try file.load()?.actions == saved.actions)
        }
    }

    @Test func aBrokenStateFileIsMovedAsideAndAnUnreadableOneStopsTheWatch() async throws {
        try await withStateFile { file, folder in
            try FileManager.default.createDirectory(atPath: folder + "/hearth", withIntermediateDirectories: true)
            try "{ not json".write(toFile: file.path, atomically: true, encoding: .utf8)
            let watcher = Watcher(engine: RuleEngine(rules: [], brokers: ["home"]), actions: nil, stateFile: file) { _ in }
            let said = try await watcher.restore(now: start)
            #expect(said?.hasPrefix("state file \(file.path): not a watch state") == true && said?.hasSuffix("starting afresh") == true, "\(said ?? "")")
            #expect(FileManager.default.fileExists(atPath: file.path + ".broken") && !FileManager.default.fileExists(atPath: file.path))
            // A second watch on the same file is refused while the first holds it.
            let claim = try file.claim()
            #expect(throws: ConfigurationError.self) { _ = try file.claim() }
            _ = consume claim
            _ = try file.claim()
        }
    }
}
