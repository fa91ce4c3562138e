import Foundation
import MQTTTestSupport
import Testing

/// Connection profiles in `$XDG_CONFIG_HOME/hearth/config.toml`, through the `hearth` executable.
@Suite(.timeLimit(.minutes(2)))
struct ProfileTests {
    /// Runs `body` with a config folder holding `config` (mode `mode`), removed after.
    static func withConfig(_ config: String, mode: Int = 0o600, _ body: ([String: String], String) async throws -> Void) async throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-config-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/hearth", withIntermediateDirectories: true)
        let path = folder + "/hearth/config.toml"
        try config.write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: mode], ofItemAtPath: path)
        try await body(["XDG_CONFIG_HOME": folder, "HEARTH_PASSWORD": ""], path)
    }

    @Test func aProfileConnectsWithItsLoginAndFiltersAndFlagsOverrideIt() async throws {
        try await Mosquitto.with(listeners: [.password(user: "home-user", password: "s3cret")]) { broker in
            let port = broker.port(.password(user: "home-user", password: "s3cret"))
            let config = """
                default = "home"
                [profiles.home]
                host = "127.0.0.1"
                port = \(port)
                username = "home-user"
                password_command = "printf s3cret\\\\nsecond-line"
                filters = ["home/#"]
                """
            try await Self.withConfig(config) { environment, _ in
                // The default profile: its login, and its filters when no -t is given.
                // Retained, so it reaches the subscriber whenever its subscription comes in.
                _ = try await ChildProcess.run(["mosquitto_pub", "-p", "\(port)", "-u", "home-user", "-P", "s3cret", "-r", "-t", "home/hall", "-m", "21.5"])
                let received = try await HearthExecutable.run(["sub", "-C", "1", "-v"], environment: environment, timeout: 20)
                #expect(received.status == 0 && received.stdout == "home/hall 21.5\n", "\(received.stdout)\(received.stderr)")
                // A flag overrides the profile: the wrong password is refused.
                let wrong = try await HearthExecutable.run(["sub", "-b", "home", "-P", "wrong", "-C", "1"], environment: environment, timeout: 20)
                #expect(wrong.status != 0 && (wrong.stderr.contains("not authorized") || wrong.stderr.contains("bad user name or password")),
                        "\(wrong.stderr)")
                // -h names a broker: the default profile's login is not sent to it (here the same
                // broker, which therefore refuses), unless -b names the profile.
                let elsewhere = try await HearthExecutable.run(["pub", "-h", "127.0.0.1", "-p", "\(port)", "-t", "home/x", "-m", "1"],
                                                               environment: environment, timeout: 20)
                #expect(elsewhere.status != 0 && elsewhere.stderr.contains("not authorized"), "\(elsewhere.stderr)")
                let named = try await HearthExecutable.run(["pub", "-b", "home", "-h", "127.0.0.1", "-t", "home/x", "-m", "1"],
                                                           environment: environment, timeout: 20)
                #expect(named.status == 0, "\(named.stderr)")
            }
        }
    }

    @Test func historyReadsTheStoreThatRecordWroteForTheSameProfile() async throws {
        try await Mosquitto.with { broker in
            let port = broker.port()
            let config = """
                default = "home"
                [profiles.home]
                url = "mqtt://127.0.0.1:\(port)"
                [profiles.cloud]
                url = "wss://broker.example/mqtt"
                """
            try await Self.withConfig(config) { configEnvironment, _ in
                let state = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-state-\(UUID().uuidString)").path
                defer { try? FileManager.default.removeItem(atPath: state) }
                let environment = configEnvironment.merging(["XDG_STATE_HOME": state]) { $1 }
                _ = try await ChildProcess.run(["mosquitto_pub", "-p", "\(port)", "-r", "-t", "home/hall", "-m", "21.5"])
                let recorded = try await HearthExecutable.run(["record", "-b", "home", "-C", "1"], environment: environment, timeout: 20)
                #expect(recorded.status == 0, "\(recorded.stderr)")
                // -b, the default profile and the plain flags all name the same broker, so the same store.
                for arguments in [["-b", "home"], [], ["-h", "127.0.0.1", "-p", "\(port)"]] {
                    let history = try await HearthExecutable.run(["history", "home/hall", "-F", "csv"] + arguments, environment: environment)
                    #expect(history.status == 0 && history.stdout.hasSuffix(",21.5\n"), "\(arguments): \(history.stdout)\(history.stderr)")
                }
                // A wss:// profile's store is keyed by its host and WebSocket port.
                let cloud = try await HearthExecutable.run(["history", "home/hall", "-b", "cloud"], environment: environment)
                #expect(cloud.status != 0 && cloud.stderr == "Error: no history store at \(state)/hearth/broker.example-443.sqlite (hearth record writes one)\n",
                        "\(cloud.stderr)")
                // -L names the broker and its transport; the profile's wss:// does not change its port.
                let overridden = try await HearthExecutable.run(["history", "home/hall", "-F", "csv", "-b", "cloud", "-L", "mqtt://127.0.0.1:\(port)"],
                                                                environment: environment)
                #expect(overridden.status == 0 && overridden.stdout.hasSuffix(",21.5\n"), "\(overridden.stdout)\(overridden.stderr)")
                // With no profile, --tls and --ws pick the ports hearth record would have used.
                let noProfiles = environment.merging(["XDG_CONFIG_HOME": state]) { $1 }
                for (flag, port) in [("--tls", 8883), ("--ws", 80)] {
                    let other = try await HearthExecutable.run(["history", "home/hall", "-h", "127.0.0.1", flag], environment: noProfiles)
                    #expect(other.stderr.contains("\(state)/hearth/127.0.0.1-\(port).sqlite"), "\(flag): \(other.stderr)")
                }
                let unknown = try await HearthExecutable.run(["history", "home/hall", "-b", "office"], environment: environment)
                #expect(unknown.status != 0 && unknown.stderr.contains("no profile 'office'"), "\(unknown.stderr)")
            }
        }
    }

    @Test func profilesAreListedWithoutTheirPasswords() async throws {
        let config = """
            default = "home"
            [profiles.home]
            host = "homeassistant.local"
            username = "mqtt-user"
            password = "plain-secret"
            [profiles.cloud]
            url = "mqtts://me:url-secret@abc123.example:8883/home/%23"
            [profiles.hive]
            url = "wss://me@abc.hivemq.cloud/mqtt"
            """
        try await Self.withConfig(config) { environment, path in
            let listed = try await HearthExecutable.run(["profiles"], environment: environment)
            #expect(listed.status == 0, "\(listed.stderr)")
            #expect(listed.stdout.contains("profiles in \(path) (default: home)"))
            #expect(listed.stdout.contains("* home  mqtt://homeassistant.local:1883 · user mqtt-user · password (in the file)  (line 2)"), "\(listed.stdout)")
            #expect(listed.stdout.contains("  cloud  mqtts://abc123.example:8883 · user me · password (in the url) · filters home/#"), "\(listed.stdout)")
            #expect(listed.stdout.contains("  hive  wss://abc.hivemq.cloud:443/mqtt · user me  (line 8)"), "\(listed.stdout)")
            #expect(!listed.stdout.contains("secret"))
        }
    }

    @Test func themesAreLookedForBesideTheConfigUnderXDGConfigHome() async throws {
        try await Self.withConfig("") { environment, path in
            let folder = (path as NSString).deletingLastPathComponent + "/themes"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            try "colors = [\n".write(toFile: folder + "/mine.toml", atomically: true, encoding: .utf8)
            let result = try await HearthExecutable.run(["--theme", "mine"], environment: environment)
            #expect(result.status != 0 && result.stderr.hasPrefix("Error: theme \(folder)/mine.toml: line 1"), "\(result.stderr)")
        }
    }

    @Test func aBrokenConfigIsOneLineNamingTheFileTheLineAndTheKey() async throws {
        try await Self.withConfig("[profiles.home]\nhost = \"a\"\nprot = 1884\n") { environment, path in
            let result = try await HearthExecutable.run(["tree", "-C", "1"], environment: environment)
            #expect(result.stderr == "Error: config \(path): line 3: profile 'home': unknown key 'prot' (known: brokers, cafile, cert, filters, host, insecure, key, password, password_command, password_file, port, rules, store, store_password_command, store_password_file, theme, tls, url, username, version)\n")
        }
        try await Self.withConfig("[profiles.home]\nhost = \"a\"\n") { environment, path in
            let result = try await HearthExecutable.run(["tree", "-b", "office", "-C", "1"], environment: environment)
            #expect(result.stderr == "Error: no profile 'office' in \(path) (known: home)\n")
        }
        // A password others may read is refused, as ssh refuses such keys.
        try await Self.withConfig("[profiles.home]\npassword = \"x\"\n", mode: 0o644) { environment, path in
            let result = try await HearthExecutable.run(["tree", "-b", "home", "-C", "1"], environment: environment)
            #expect(result.stderr.hasPrefix("Error: config \(path): holds a password and others may read it"), "\(result.stderr)")
        }
        // A password command that fails, or hangs, is one line, and nothing connects.
        try await Self.withConfig("[profiles.home]\npassword_command = \"false\"\n") { environment, _ in
            let result = try await HearthExecutable.run(["tree", "-b", "home", "-C", "1"], environment: environment)
            #expect(result.stderr == "Error: password_command of profile 'home' (false) failed with status 1\n", "\(result.stderr)")
        }
        try await Self.withConfig("[profiles.home]\npassword_command = \"sleep 60\"\n") { environment, _ in
            let result = try await HearthExecutable.run(["tree", "-b", "home", "-C", "1"], environment: environment, timeout: 30)
            #expect(result.stderr == "Error: password_command of profile 'home' (sleep 60) did not finish within 10 s\n", "\(result.stderr)")
        }
    }
}
