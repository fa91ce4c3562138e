import Foundation
import HearthKit
import MQTT
import Testing

/// mosquitto_sub's format strings where no broker is needed: what is refused, and hostile payloads.
/// (`MosquittoHabitsTests` compares the output with mosquitto_sub's.)
@Suite(.timeLimit(.minutes(1)))
struct MosquittoFormatTests {
    static func rendered(_ format: String, _ payload: [UInt8], pretty: Bool = false) throws -> (String, Bool) {
        var out: [UInt8] = []
        let complete = try MosquittoFormat(parsing: format).render(
            MQTTMessage(topic: "t", payload: payload), pretty: pretty, escape: false, into: &out)
        return (String(decoding: out, as: UTF8.self), complete)
    }

    @Test func whatMosquittoSubRefusesIsOneLine() {
        for (format, message) in [
            ("%z", "invalid format specifier 'z'"), ("end %", "incomplete format specifier"),
            ("at @", "incomplete format specifier"), ("slash \\", "incomplete format specifier"),
            ("%10", "incomplete format specifier"), ("\\q", "invalid escape specifier '\\q'"),
            ("%99999999t", "format width over 65535"),
        ] {
            #expect("\(format)") { try MosquittoFormat(parsing: format) } throws: { error in
                error is ConfigurationError && "\(error)".contains(message)
            }
        }
    }

    @Test func hostileJSONPayloadsNeverTrapAndAFailedFieldLeavesTheRestOfTheLine() throws {
        // UTF-16 JSON whose bytes hold quotes and closers: not UTF-8, so not JSON to %J.
        let utf16 = Array(#"["∀}}"]"#.data(using: .utf16LittleEndian)!)
        let (line, complete) = try Self.rendered("%t %J end", utf16, pretty: true)
        #expect(!complete && line == "t  end", "\(line)")
        // Stray closers in valid-looking input never indent below the first level.
        #expect(JSON.reformatted(Array("}}]]{\"a\":[1,2]}".utf8), indented: true).count > 0)
        // %J takes the payload's whitespace out; an empty payload is null, as in mosquitto_sub.
        #expect(try Self.rendered("%J", Array(#"{ "a" : [ 1 , 2 ] }"#.utf8)).0.hasSuffix(#""payload":{"a":[1,2]}}"#))
        #expect(try Self.rendered("%j", []).0.hasSuffix(#""payloadlen":0,"payload":null}"#))
        #expect(try Self.rendered("%J", []).0.hasSuffix(#""payload":null}"#))
        // A property the message lacks: padded, but for a response topic, correlation data and
        // user properties, which print nothing (as mosquitto_sub 2.0 does).
        #expect(try Self.rendered("[%4R|%-4C|%4F|%-4D|%4P|%2S|%-3A|%3E]", Array("x".utf8)).0 == "[|    |    |||  |   |   ]")
        #expect(try Self.rendered("[%05p]", Array("ab".utf8)).0 == "[000ab]")
    }
}
