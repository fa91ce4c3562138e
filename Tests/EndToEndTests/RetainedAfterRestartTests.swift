import Foundation
import MQTTTestSupport
import Testing

/// A broker restart inside `hearth tree -W`: what mosquitto still retains stays retained; what it
/// lost (no persistence) is marked gone.
@Suite(.timeLimit(.minutes(3))) struct RetainedAfterRestartTests {
    @Test(.timeLimit(.minutes(1)), arguments: [false, true], ["mqttv5", "mqttv311"])
    func aRestartIsReconciled(persistence: Bool, version: String) async throws {
        let store = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-store-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: store, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: store) }
        // With persistence, every change is saved at once, so a kill keeps it (as after a clean stop).
        let config = persistence ? "persistence true\npersistence_location \(store.path)/\nautosave_interval 1\nautosave_on_changes true\n" : ""
        try await Mosquitto.with(extraConfig: config) { broker in
            let port = "\(broker.port())"
            for (topic, payload) in [("home/light", "ON"), ("home/door", "closed")] {
                try await ChildProcess.run(["mosquitto_pub", "-p", port, "-V", version, "-r", "-t", topic, "-m", payload])
            }
            if persistence {
                let file = store.appendingPathComponent("mosquitto.db")
                try await waitUntil("mosquitto to save both retained messages") {
                    (try? Data(contentsOf: file)).map { $0.range(of: Data("home/door".utf8)) != nil } ?? false
                }
            }

            let tree = try ChildProcess.launch([HearthExecutable.path, "tree", "-p", port, "-V", version, "-F", "json", "-W", "10", "-d"])
            try await tree.waitForOutput("received SUBACK")
            await broker.kill()
            try await broker.launch()
            let result = await tree.wait(timeout: 30)
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stderr.contains("resubscribed"), "hearth reconnected within the window: \(result.stderr)")
            let objects = result.stdout.split(separator: "\n").compactMap {
                try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
            }
            let states = Dictionary(uniqueKeysWithValues: objects.map { ($0["topic"] as? String ?? "", $0["retained_state"] as? String ?? "") })
            let expected = persistence ? "shown" : "gone"
            #expect(states == ["home/light": expected, "home/door": expected], "\(result.stdout)")
            #expect(objects.allSatisfy { $0["retained"] as? Bool == persistence })
            #expect(objects.allSatisfy { $0["stale"] as? Bool == false && $0["offline"] as? Bool == false })
            #expect(objects.allSatisfy { ($0["age_s"] as? Double).map { $0 >= 0 && $0 < 60 } == true })
        }
    }
}
