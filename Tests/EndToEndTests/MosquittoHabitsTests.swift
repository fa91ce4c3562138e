import Foundation
import MQTTTestSupport
import Testing

/// What mosquitto taught people, typed at hearth: sub -F format strings, -N, -T, --pretty,
/// --remove-retained, and pub -l. Compared with mosquitto_sub on the same retained set.
@Suite(.serialized, .timeLimit(.minutes(3))) struct MosquittoHabitsTests {
    /// A retained set with text, JSON, binary, an empty level, QoS 1 and v5 properties.
    static func publishRetainedSet(port: String) async throws {
        let pub = { (args: [String]) in _ = try await ChildProcess.run(["mosquitto_pub", "-p", port, "-r"] + args) }
        try await pub(["-t", "home/door", "-m", #"closed "front""#, "-q", "1"])
        try await pub(["-t", "zigbee2mqtt/hall", "-m", #"{"temperature":21.5,"humidity":48}"#])
        try await pub(["-t", "a//b", "-m", "21.5 °C"])
        try await pub(["-t", "v5/props", "-V", "mqttv5", "-m", "x", "-q", "1",
                       "-D", "publish", "user-property", "by", "alice", "-D", "publish", "content-type", "text/plain",
                       "-D", "publish", "response-topic", "reply/here"])
        _ = try await ChildProcess.run(["sh", "-c", "printf 'x\\001\\377y' | mosquitto_pub -p \(port) -r -t bin -s"])
    }

    @Test(arguments: [
        "%t %p %r %q %l %m %x %X", "%10t|%-12t|%5.2t|%05l|%-5l|%08x", "%t\\t%p\\n--\\\\--\\0end", "%P|%C|%R|%%|@@",
        "%j",
    ])
    func formatStringsPrintWhatMosquittoSubPrints(format: String) async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            try await Self.publishRetainedSet(port: port)
            let arguments = ["-p", port, "-t", "#", "-q", "1", "-F", format, "-C", "5", "-W", "10"]
            let peer = try await ChildProcess.run(["mosquitto_sub", "-V", "mqttv5"] + arguments)
            let hearth = try await HearthExecutable.run(["sub", "-V", "mqttv5"] + arguments)
            try #require(peer.status == 0 && !peer.stdout.isEmpty, "\(peer.stderr)")
            #expect(hearth.status == 0, "\(hearth.stderr)")
            if format == "%j" {
                // The time is when each printed: the rest is byte for byte.
                func timeless(_ text: String) -> String {
                    text.replacing(/"tst":"[0-9T:.+\-Z]+"/, with: #""tst":"""#)
                }
                #expect(timeless(hearth.stdout) == timeless(peer.stdout), "\(hearth.stdout)\n\(peer.stdout)")
                #expect(hearth.stdout.contains(/"tst":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z[+-]\d{4}"/))
            } else {
                #expect(hearth.stdout == peer.stdout, "hearth:\n\(hearth.stdout)\nmosquitto_sub:\n\(peer.stdout)")
            }
        }
    }

    @Test func timeFieldsNewlinesHiddenTopicsAndPrettyJSON() async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            try await Self.publishRetainedSet(port: port)
            let times = try await HearthExecutable.run(["sub", "-p", port, "-t", "home/door", "-F", "%I|%U|@Y-@m-@d @H:@M:@S.@N", "-C", "1"])
            #expect(times.stdout.contains(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d{4}\|\d{10}\.\d{9}\|\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9}\n$/), "\(times.stdout)")
            // -N: no newline; -T hides a branch (and it does not count towards -C).
            let joined = try await HearthExecutable.run(["sub", "-p", port, "-t", "#", "-T", "zigbee2mqtt/#", "-T", "bin",
                                                         "-T", "v5/#", "-T", "a//b", "-N", "-C", "1", "-W", "10"])
            #expect(joined.stdout == #"closed "front""#, "\(joined.stdout)")
            let pretty = try await HearthExecutable.run(["sub", "-p", port, "-t", "zigbee2mqtt/hall", "-F", "%J", "--pretty", "-C", "1"])
            #expect(pretty.stdout.contains("\n  \"payload\": {\n    \"temperature\": 21.5,\n    \"humidity\": 48\n  }\n}\n"), "\(pretty.stdout)")
            // %J on a payload that is not JSON: what came before it, a newline, and one line on stderr.
            let notJSON = try await HearthExecutable.run(["sub", "-p", port, "-t", "home/door", "-F", "%t %J", "-C", "1"])
            #expect(notJSON.stdout == "home/door \n" && notJSON.stderr.contains("not valid JSON on topic home/door"), "\(notJSON.stderr)")
            let bad = try await HearthExecutable.run(["sub", "-p", port, "-t", "#", "-F", "%z"])
            #expect(bad.status != 0 && bad.stderr.contains("invalid format specifier 'z'"), "\(bad.stderr)")
        }
    }

    @Test func removeRetainedClearsWhatItReads() async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            try await Self.publishRetainedSet(port: port)
            let removed = try await HearthExecutable.run(["sub", "-p", port, "-t", "home/#", "--remove-retained", "--retained-only"])
            #expect(removed.stdout == "closed \"front\"\n", "\(removed.stderr)")
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-t", "home/marker", "-r", "-m", "m"])
            let left = try await ChildProcess.run(["mosquitto_sub", "-p", port, "-t", "home/#", "-v", "-C", "1", "-W", "10"])
            #expect(left.stdout == "home/marker m\n")
        }
    }

    @Test func pubMinusLSendsAMessagePerLine() async throws {
        try await Mosquitto.with { broker in
            let port = "\(broker.port())"
            // Line-buffered, so that its debug line says when it has subscribed.
            let sub = try ChildProcess.launch(["stdbuf", "-oL", "mosquitto_sub", "-p", port, "-t", "lines", "-F", "[%p]", "-C", "4", "-d"])
            try await sub.waitForOutput("received SUBACK")
            let pub = try await HearthExecutable.run(["pub", "-p", port, "-t", "lines", "-q", "1", "-l"], input: Array("a\n\nb\r\nc".utf8))
            #expect(pub.status == 0, "\(pub.stderr)")
            let got = await sub.wait(timeout: 20)
            // As mosquitto_pub -l: an empty line is an empty message, a carriage return stays, the last line needs no newline.
            let payloads = got.stdout.split(separator: "\n").filter { $0.hasPrefix("[") }
            #expect(payloads == ["[a]", "[]", "[b\r]", "[c]"], "\(got.stdout)")
            let both = try await HearthExecutable.run(["pub", "-p", port, "-t", "lines", "-l", "-m", "x"])
            #expect(both.status != 0 && both.stderr.contains("give exactly one of -m, -f, -s, -l or -n"), "\(both.stderr)")
        }
    }
}
