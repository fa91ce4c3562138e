import Foundation
import MQTTTestSupport
import Testing

/// `hearth demo`: the embedded broker, the simulated home and the dashboard, as a newcomer runs them.
@Suite(.serialized, .timeLimit(.minutes(3))) struct DemoEndToEndTests {
    @Test func theDemoShowsRoomsWithSparklinesAndRetainedMarkers() async throws {
        try await Tmux.with("'\(HearthExecutable.path)' demo", width: 120, height: 40) { tmux in
            let screen = try await tmux.waitFor { screen in
                screen.split(separator: "\n").contains { $0.hasPrefix("◉") && $0.contains("heater") }
            }
            let lines = screen.split(separator: "\n")
            #expect(lines.contains { $0.hasPrefix("◉") && $0.contains("heater") }, "\(screen)")
            #expect(screen.contains("● connected"))
            // Once the sensors are in, the first screen's tree shows every first-level branch's
            // devices: zigbee2mqtt's, the last branch, do not fall off the bottom; and the
            // overview counts one temperature a room (no chip, no dew point, no °F twin).
            let tree = { (screen: String) in screen.split(separator: "\n").map { $0.split(separator: "│").first ?? "" } }
            let settled = try await tmux.waitFor { screen in
                tree(screen).contains { $0.contains("living_room_sensor") && $0.contains("°C") } && screen.contains("6 temperatures")
            }
            for device in ["bedroom_light", "bedroom_sensor", "washing_machine_plug", "living_room_sensor"] {
                #expect(tree(settled).contains { $0.contains(device) }, "\(device): \(settled)")
            }
            #expect(tree(settled).contains { $0.contains("bedroom_light") && ($0.contains("OFF · 180 brightness") || $0.contains("ON · 180 brightness")) })
            // A search reveals what is folded.
            try await tmux.keys("/living_room_sensor", "Enter")
            _ = try await tmux.waitFor { screen in
                screen.split(separator: "\n").contains { $0.contains("living_room_sensor") && $0.contains(where: { "▁▂▃▄▅▆▇█".contains($0) }) }
            }
            try await tmux.keys("q")
            let after = try await tmux.waitFor { $0.contains("EXITED") }
            #expect(after.contains("EXITED 0"), "\(after)")
        }
    }

    @Test func publishingOnToTheHeaterChangesItsRetainedState() async throws {
        let (demo, port) = try await Self.startHeadless([])
        defer { kill(demo.pid, SIGTERM) }
        let state = { try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-t", "home/living_room/heater", "-C", "1", "-F", "%r %p"]).stdout }
        #expect(try await state() == "1 OFF\n")
        // After the fast first readings, a live one: the day curve moves it by at most about
        // 0.06 °C a second, the heater by degrees.
        try await demo.waitForOutput("readings are live")
        let before = try await Self.temperature(port: port)
        try await ChildProcess.run(["mosquitto_pub", "-p", "\(port)", "-t", "home/living_room/heater/set", "-m", "ON"])
        var now = try await state()
        let until = Date().addingTimeInterval(20)
        while now != "1 ON\n", Date() < until {
            try await Task.sleep(for: .milliseconds(50))
            now = try await state()
        }
        #expect(now == "1 ON\n")
        // The room warms up: within some live readings it is a degree warmer.
        var warmer = false
        for _ in 0..<15 where !warmer {
            warmer = try await Self.temperature(port: port) > before + 1.0
        }
        #expect(warmer, "the living room did not warm up")
        // Other clients see the whole home: retained lights, discovery configs, the flaky device's state.
        let retained = try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-t", "#", "--retained-only", "-W", "2", "-v"]).stdout
        for topic in ["zigbee2mqtt/living_room_light", "homeassistant/sensor/bathroom_temperature/config", "tele/tasmota_garage/LWT",
                      "home/front_door/contact", "esphome/kids_room/status"] {
            #expect(retained.contains(topic), "\(topic) missing")
        }
    }

    @Test func theGaragePlugDropsOffThroughItsWillAndComesBack() async throws {
        let (demo, port) = try await Self.startHeadless(["--drop-every", "1"])
        defer { kill(demo.pid, SIGTERM) }
        let states = try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-t", "tele/tasmota_garage/LWT", "-C", "4",
                                                 "-F", "%r %p", "-W", "20"]).stdout
        let lines = states.split(separator: "\n").map(String.init)
        // The retained state first, then the will, then back online (live messages carry RETAIN=0).
        #expect(lines.count == 4, "\(states)")
        #expect(lines.contains("0 Offline") && lines.dropFirst().contains("0 Online"), "\(states)")
    }

    /// `hearth demo --headless` and the port it prints.
    private static func startHeadless(_ arguments: [String]) async throws -> (ChildProcess, Int) {
        let demo = try ChildProcess.launch([HearthExecutable.path, "demo", "--headless"] + arguments)
        try await demo.waitForOutput("broker on 127.0.0.1:")
        let line = demo.stdout.split(separator: "\n").first { $0.contains("broker on 127.0.0.1:") }
        let port = try #require(line?.split(separator: ":").last.flatMap { Int($0.prefix { $0.isNumber }) }, "\(demo.stdout)")
        return (demo, port)
    }

    /// The living room's next temperature reading (zigbee2mqtt JSON).
    private static func temperature(port: Int) async throws -> Double {
        let reading = try await ChildProcess.run(["mosquitto_sub", "-p", "\(port)", "-t", "zigbee2mqtt/living_room_sensor", "-C", "1"]).stdout
        let object = try JSONSerialization.jsonObject(with: Data(reading.utf8)) as? [String: Any]
        return try #require(object?["temperature"] as? Double)
    }
}
