import Foundation
import MQTTTestSupport
import Testing

/// Several brokers on one screen: two mosquittos and the embedded broker in one dashboard (tmux),
/// and the headless commands over several brokers.
@Suite(.serialized, .timeLimit(.minutes(3))) struct SeveralBrokersEndToEndTests {
    /// The config of three brokers and a group of them, plus one with a wrong password.
    private func config(home: Int, cabin: Int, office: Int, locked: Int) -> String {
        [("home", home), ("cabin", cabin), ("office", office)].map { "[profiles.\($0)]\nhost = \"127.0.0.1\"\nport = \($1)\n" }.joined() + """
        [profiles.locked]
        host = "127.0.0.1"
        port = \(locked)
        username = "owner"
        password = "wrong"
        [profiles.fleet]
        brokers = ["home", "cabin", "office"]
        """
    }

    @Test func threeBrokersAndARefusedOneOnOneScreenWithARestartAndAPublishToOne() async throws {
        let login = Mosquitto.Listener.password(user: "owner", password: "right")
        try await Mosquitto.with(listeners: [.anonymous, login]) { home in
            try await Mosquitto.with { cabin in
                try await LoopbackBroker.with(.embedded) { office in
                    try await publish(home.port(), "kitchen/temperature", "21.5")
                    try await publish(cabin.port(), "stove/temperature", "19.0")
                    try await publish(office.port, "desk/lamp", "ON")
                    let config = config(home: home.port(), cabin: cabin.port(), office: office.port, locked: home.port(login))
                    try await ProfileTests.withConfig(config) { environment, _ in
                        try await Tmux.with("'\(HearthExecutable.path)' -b fleet -b locked", width: 120, height: 40,
                                            environment: environment) { tmux in
                            // One row per broker; the wrong password is that broker's row, not a refusal to start.
                            var screen = try await tmux.waitFor {
                                $0.contains("4 brokers · 3 connected · 1 failed") && $0.contains("stove") && $0.contains("lamp") && $0.contains("21.5")
                            }
                            #expect(screen.contains("4 brokers · 3 connected · 1 failed"), "\(screen)")
                            let lockedRow = screen.split(separator: "\n").first { $0.contains("locked (0)") }
                            #expect(lockedRow?.contains("✖ failed") == true, "\(screen)")
                            #expect(screen.contains("3 topics · 3 ◉ retained"), "\(screen)")

                            // The cabin goes down: its row counts down, its topic is unreachable, the others stream on.
                            await cabin.kill()
                            screen = try await tmux.waitFor { screen in
                                screen.split(separator: "\n").contains { $0.contains("cabin (1)") && $0.contains("reconnecting in") }
                                    && screen.split(separator: "\n").contains { $0.hasPrefix("◉↯") && $0.contains("temperature") }
                            }
                            #expect(screen.contains("2 connected · 1 reconnecting · 1 failed"), "\(screen)")
                            try await publish(home.port(), "kitchen/temperature", "22.5", retain: false)
                            try await tmux.see("22.5")

                            // It comes back without its retained value: reconciled as gone, within the cabin only.
                            try await cabin.launch()
                            screen = try await tmux.waitFor { screen in
                                screen.contains("4 brokers · 3 connected · 1 failed")
                                    && screen.split(separator: "\n").contains { $0.hasPrefix("◌") && $0.contains("temperature") }
                            }
                            #expect(screen.contains("2 ◉ retained"), "\(screen)")

                            // A publish from the office's topic goes to the office only.
                            try await tmux.keys("/")
                            try await tmux.type("desk/lamp")
                            try await tmux.keys("Enter")
                            try await tmux.keys("p")
                            screen = try await tmux.see("Broker   office")
                            #expect(screen.contains("Topic    desk/lamp"), "\(screen)")
                            try await tmux.type("OFF")
                            try await tmux.keys("C-r")
                            try await tmux.keys("C-s")
                            try await tmux.see("✓ desk/lamp: sent")
                            #expect(try await retainedValue("desk/lamp", port: office.port) == "1 OFF")
                            #expect(try await retainedValue("desk/lamp", port: home.port()) == "")
                            #expect(try await retainedValue("desk/lamp", port: cabin.port()) == "")
                            try await tmux.keys("Escape", "q")
                            screen = try await tmux.waitFor { $0.contains("EXITED") }
                            #expect(screen.contains("EXITED 0"), "\(screen)")
                        }
                    }
                }
            }
        }
    }

    @Test func aMixOfProfileAndURLAndTheHeadlessCommands() async throws {
        try await Mosquitto.with { home in
            try await Mosquitto.with { cabin in
                try await publish(home.port(), "hall/temperature", "21.5")
                try await publish(cabin.port(), "stove/temperature", "19")
                let config = "[profiles.home]\nhost = \"127.0.0.1\"\nport = \(home.port())\n"
                let cabinPort = cabin.port()
                let url = "mqtt://127.0.0.1:\(cabinPort)"
                try await ProfileTests.withConfig(config) { environment, _ in
                    // The dashboard: a profile and a URL, each its row, named by the profile or host:port.
                    try await Tmux.with("'\(HearthExecutable.path)' -b home -L \(url)", width: 120, height: 40, environment: environment) { tmux in
                        let cabinRow = "▾ 127.0.0.1:\(cabinPort) (1)"
                        func named(_ screen: String) -> (cabin: Bool, home: Bool) {
                            let rows = screen.split(separator: "\n").filter { $0.contains("● connected") }
                            return (rows.contains { $0.contains(cabinRow) }, rows.contains { $0.contains("▾ home (1)") })
                        }
                        let screen = try await tmux.waitFor { $0.contains("2 brokers · 2 connected") && named($0) == (true, true) }
                        #expect(named(screen) == (true, true), "\(screen)")
                    }
                    // tree: one tree per broker, "broker" in JSON.
                    let tree = try await HearthExecutable.run(["tree", "-b", "home", "-L", url, "-F", "json"], environment: environment, timeout: 30)
                    let lines = tree.stdout.split(separator: "\n")
                    #expect(tree.status == 0 && lines.count == 2, "\(tree.stdout)\(tree.stderr)")
                    #expect(lines.contains { $0.hasPrefix("{\"broker\":\"home\",\"topic\":\"hall/temperature\"") }, "\(tree.stdout)")
                    #expect(lines.contains { $0.hasPrefix("{\"broker\":\"127.0.0.1:\(cabinPort)\",\"topic\":\"stove/temperature\"") }, "\(tree.stdout)")
                    let text = try await HearthExecutable.run(["tree", "-b", "home", "-L", url], environment: environment, timeout: 30)
                    // By name, as the dashboard's rows.
                    #expect(text.stdout.hasPrefix("127.0.0.1:\(cabinPort): 1 topic"), "\(text.stdout)")
                    #expect(text.stdout.contains("\n\nhome: 1 topic"), "\(text.stdout)")
                    // sub: each -v line leads with its broker.
                    let sub = try await HearthExecutable.run(["sub", "-b", "home", "-L", url, "-t", "#", "-v", "-C", "1"],
                                                             environment: environment, timeout: 30)
                    #expect(Set(sub.stdout.split(separator: "\n")) == ["home hall/temperature 21.5", "127.0.0.1:\(cabinPort) stove/temperature 19"],
                            "\(sub.stdout)\(sub.stderr)")
                    // One broker prints exactly as before.
                    let one = try await HearthExecutable.run(["sub", "-b", "home", "-t", "#", "-v", "-C", "1"], environment: environment, timeout: 30)
                    #expect(one.stdout == "hall/temperature 21.5\n", "\(one.stdout)")
                    // Every broker failing: one line each, and a failure.
                    let port = LoopbackPort.free(), other = LoopbackPort.free()
                    let none = try await HearthExecutable.run(["tree", "-L", "mqtt://127.0.0.1:\(port)", "-L", "mqtt://127.0.0.1:\(other)"],
                                                              environment: environment, timeout: 30)
                    let errors = none.stderr.split(separator: "\n")
                    #expect(none.status != 0 && errors.count == 3, "\(none.stderr)")
                    #expect(errors.contains { $0.contains("127.0.0.1:\(port):") && $0.contains("refused") }, "\(none.stderr)")
                }
            }
        }
    }
}
