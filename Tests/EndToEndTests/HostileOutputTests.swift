import Foundation
import MQTTTestSupport
import Testing

/// A hostile retained message (a title-setting escape in a JSON key, a bidi override in the topic
/// and in a value) through every output format: on a terminal nothing reaches it raw, and JSON
/// escapes it whatever stdout is.
@Suite(.timeLimit(.minutes(3))) struct HostileOutputTests {
    static let title = "\u{1b}]0;PWNED\u{07}"
    static let topic = "home/\u{202e}lanif"
    static let payload = "{\"x\(title)\": 21.5, \"note\": \"\u{202e}evil\u{1b}[2J\"}"

    @Test(.timeLimit(.minutes(1))) func everyFormatOnATerminal() async throws {
        try await LoopbackBroker.with(.mosquitto) { broker in
            let port = "\(broker.port)"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-r", "-t", Self.topic, "-m", Self.payload])
            let hearth = "'\(HearthExecutable.path)'"
            let commands = [
                "sub -t '#' -C 1", "sub -t '#' -C 1 -v", "sub -t '#' -C 1 -F json", "tree", "tree -F json",
            ].map { "\(hearth) \($0) -p \(port)" }
            try await Tmux.with(commands.joined(separator: "; "), width: 200, height: 50) { tmux in
                let screen = try await tmux.waitFor { $0.contains("EXITED") }
                #expect(screen.contains("EXITED 0"), "\(screen)")
                #expect(try await tmux.display("pane_title") != "PWNED", "a payload retitled the terminal")
                #expect(!screen.contains("\u{202e}"), "a raw bidi override reached the terminal:\n\(screen)")
                #expect(!screen.unicodeScalars.contains { $0.value == 0x1b }, "\(screen)")
                // Each format shows the bytes, escaped: the key path, the topic and the values.
                #expect(screen.components(separatedBy: #"\x1b]0;PWNED\x07"#).count - 1 >= 3, "\(screen)")
                #expect(screen.components(separatedBy: #"\u{202e}"#).count - 1 >= 4, "\(screen)")
                #expect(screen.contains(#"\u001b]0;PWNED\u0007"#), "JSON escapes the key:\n\(screen)")
                #expect(screen.contains(#"\u202elanif"#), "JSON escapes the bidi override:\n\(screen)")
            }
        }
    }

    @Test(.timeLimit(.minutes(1))) func jsonEscapesThroughAPipe() async throws {
        try await LoopbackBroker.with(.mosquitto) { broker in
            let port = "\(broker.port)"
            try await ChildProcess.run(["mosquitto_pub", "-p", port, "-r", "-t", Self.topic, "-m", Self.payload])
            for arguments in [["sub", "-t", "#", "-C", "1", "-F", "json"], ["tree", "-F", "json"]] {
                let result = try await HearthExecutable.run(arguments + ["-p", port])
                #expect(result.status == 0, "\(result.stderr)")
                #expect(!result.stdout.contains("\u{202e}") && !result.stdout.unicodeScalars.contains { $0.value == 0x1b },
                        "\(arguments): \(result.stdout)")
                let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
                #expect(object["topic"] as? String == Self.topic, "the escapes decode back to the bytes")
            }
        }
    }
}
