import Foundation
import HearthKit
import MQTT
import Testing

/// Profiles, URLs, the endpoint and the password: what `-b`, `-L`, `-h`/`-p` and config.toml say,
/// merged without the command line.
@Suite(.timeLimit(.minutes(1)))
struct ConfigTests {
    @Test func aURLNamesTheTransportLoginAndTopic() throws {
        let url = try BrokerURL(parsing: "mqtts://me:secret@[::1]:8884/home/%23")
        #expect(url.tls && url.host == "::1" && url.port == 8884)
        #expect(url.username == "me" && url.password == "secret" && url.topic == "home/#")
        let ws = try BrokerURL(parsing: "wss://broker.example")
        #expect(ws.tls && ws.webSocketPath == "/mqtt" && ws.port == nil && ws.topic == nil)
        #expect(throws: ConfigurationError.self) { try BrokerURL(parsing: "http://broker") }
        #expect(throws: ConfigurationError("invalid URL 'mqtt://': no host")) { try BrokerURL(parsing: "mqtt://") }
    }

    @Test func flagsComeFirstThenTheURLThenTheProfileAndThePortFollowsTheTransport() throws {
        var profile = Profile(name: "home", line: 2)
        profile.host = "homeassistant.local"
        profile.port = 1884
        let fromProfile = try BrokerEndpoint.resolve(host: nil, port: nil, url: nil, profile: profile, tls: false, webSocket: false, webSocketPath: nil)
        #expect(fromProfile.description == "mqtt://homeassistant.local:1884")
        let url = try BrokerURL(parsing: "mqtts://other.example")
        let fromURL = try BrokerEndpoint.resolve(host: nil, port: nil, url: url, profile: profile, tls: false, webSocket: false, webSocketPath: nil)
        #expect(fromURL.description == "mqtts://other.example:1884")
        let flags = try BrokerEndpoint.resolve(host: "flag.example", port: 9000, url: url, profile: profile, tls: false, webSocket: false, webSocketPath: nil)
        #expect(flags.description == "mqtts://flag.example:9000")
        let bare = [false, true].map { tls in
            [false, true].map { ws in
                (try? BrokerEndpoint.resolve(host: nil, port: nil, url: nil, profile: nil, tls: tls, webSocket: ws, webSocketPath: nil))?.port
            }
        }
        #expect(bare == [[1883, 80], [8883, 443]])
        // A profile's own certificate turns TLS on.
        profile.cafile = "/etc/ca.pem"
        profile.port = nil
        #expect(try BrokerEndpoint.resolve(host: nil, port: nil, url: nil, profile: profile, tls: false, webSocket: false, webSocketPath: nil).port == 8883)
    }

    @Test func defaultFiltersComeFromTheURLThenTheProfile() throws {
        var profile = Profile(name: "z", line: 1)
        #expect(try BrokerEndpoint.defaultFilters(url: nil, profile: nil) == ["#"])
        profile.filters = ["zigbee2mqtt/#", "home/#"]
        #expect(try BrokerEndpoint.defaultFilters(url: nil, profile: profile) == ["zigbee2mqtt/#", "home/#"])
        #expect(try BrokerEndpoint.defaultFilters(url: BrokerURL(parsing: "mqtt://h/a/b"), profile: profile) == ["a/b"])
    }

    @Test func aConfigFileIsReadWithItsProfilesAndDefault() throws {
        let file = try ProfileFile.parse("""
            default = "home"
            [profiles.home]
            host = "homeassistant.local"
            username = "mqtt-user"
            password_command = "pass show mqtt/home"
            filters = ["zigbee2mqtt/#", "home/#"]
            version = "mqttv311"
            [profiles.test]
            url = "mqtts://test.example:8883"
            """, path: "config.toml")
        #expect(file.defaultName == "home")
        let home = try #require(try file.profile(named: nil))
        #expect(home.line == 2 && home.host == "homeassistant.local" && home.version == .v311)
        #expect(home.passwordCommand == ["pass", "show", "mqtt/home"])
        #expect(home.passwordSource == "password_command pass show mqtt/home")
        #expect(try file.profile(named: "test")?.url == "mqtts://test.example:8883")
        #expect(throws: ConfigurationError("no profile 'cabin' in config.toml (known: home, test)")) { try file.profile(named: "cabin") }
    }

    @Test func aGroupNamesItsBrokersInOrder() throws {
        let file = try ProfileFile.parse("""
            default = "fleet"
            [profiles.home]
            host = "home.lan"
            [profiles.cabin]
            url = "mqtts://cabin.example:8883"
            [profiles.fleet]
            brokers = ["home", "cabin"]
            theme = "nord"
            """, path: "config.toml")
        let fleet = try #require(try file.profile(named: nil))
        #expect(fleet.brokers == ["home", "cabin"] && fleet.theme == "nord")
        #expect(try file.profile(named: "home")?.brokers == nil)
    }

    @Test func aMistakeNamesTheFileLineAndKey() {
        let cases: [(String, String)] = [
            ("[profiles.home]\nhost = 127.0.0.1\n", "config x.toml: line 2: "),
            ("[profiles.home]\nport = 70000\n", "config x.toml: line 2: profile 'home': port must be a number from 1 to 65535"),
            ("[profiles.home]\ncolour = \"red\"\n", "config x.toml: line 2: profile 'home': unknown key 'colour'"),
            ("default = \"cabin\"\n[profiles.home]\n", "config x.toml: line 1: default profile 'cabin' is not defined"),
            ("[profiles.home]\nfilters = [\"a/#/b\"]\n", "config x.toml: line 2: profile 'home': invalid topic filter 'a/#/b'"),
            ("[profiles.home]\nversion = \"4\"\n", "config x.toml: line 2: profile 'home': version must be mqttv5 or mqttv311"),
            // Groups: names of profiles that exist, are not groups, each once, and nothing of a broker's own.
            ("[profiles.fleet]\nbrokers = [\"home\"]\n", "config x.toml: line 1: profile 'fleet': brokers names 'home', which is not a profile"),
            ("[profiles.home]\n[profiles.fleet]\nbrokers = \"home\"\n", "config x.toml: line 3: profile 'fleet': brokers must be a list of profile names"),
            ("[profiles.home]\n[profiles.fleet]\nbrokers = [\"home\"]\nhost = \"x\"\n",
             "config x.toml: line 4: profile 'fleet': a group (brokers = […]) takes only brokers and theme; 'host' belongs in its members' profiles"),
            ("[profiles.home]\n[profiles.a]\nbrokers = [\"home\"]\n[profiles.b]\nbrokers = [\"a\"]\n",
             "config x.toml: line 4: profile 'b': brokers names 'a', which is a group itself"),
            ("[profiles.home]\n[profiles.a]\nbrokers = [\"home\", \"home\"]\n", "config x.toml: line 2: profile 'a': brokers names a profile twice"),
        ]
        expectOneLineErrors(cases)
    }

    @Test func thePasswordComesFromTheFirstSourceThatGivesOne() throws {
        var profile = Profile(name: "home", line: 1)
        profile.passwordCommand = ["echo", "from-command"]
        let none: [String: String] = [:]
        #expect(try PasswordSource(flag: "flag", file: nil, urlPassword: "url", environment: ["HEARTH_PASSWORD": "env"], profile: profile,
                                   profileURL: nil).resolve() == "flag")
        #expect(try PasswordSource(flag: nil, file: nil, urlPassword: nil, environment: ["HEARTH_PASSWORD": "env"], profile: profile,
                                   profileURL: nil).resolve() == "env")
        #expect(try PasswordSource(flag: nil, file: nil, urlPassword: nil, environment: none, profile: profile, profileURL: nil).resolve() == "from-command")
        #expect(try PasswordSource(flag: nil, file: nil, urlPassword: nil, environment: none, profile: nil, profileURL: nil).resolve() == nil)
        #expect(throws: ConfigurationError("cannot read password file /nonexistent/hearth")) {
            try PasswordSource(flag: nil, file: "/nonexistent/hearth", urlPassword: nil, environment: none, profile: nil, profileURL: nil).resolve()
        }
        profile.passwordCommand = ["false"]
        #expect(throws: ConfigurationError("password_command of profile 'home' (false) failed with status 1")) {
            try PasswordSource(flag: nil, file: nil, urlPassword: nil, environment: none, profile: profile, profileURL: nil).resolve()
        }
    }
}
