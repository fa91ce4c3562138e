import Foundation
import MQTT
import TextFormat
import TopicModel

/// Small JSON writers for line-oriented output (no intermediate objects per message).
public enum JSON {
    /// Appends `string` as a quoted JSON string; control characters and bidi overrides (what
    /// `TerminalEscaping` calls unsafe) are escaped as `\uXXXX`.
    public static func appendString(_ string: String, to out: inout String) {
        out += "\""
        for scalar in string.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where TerminalEscaping.isUnsafe(scalar.value):
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default:
                out.unicodeScalars.append(scalar)
            }
        }
        out += "\""
    }

    /// The start of a topic's object, `{"broker":…,"topic":…` (the broker with several, else
    /// none), for the printers of `sub` and `tree`.
    public static func topicObject(_ topic: String, broker: String?) -> String {
        var out = "{"
        if let broker {
            out += "\"broker\":"
            appendString(broker, to: &out)
            out += ","
        }
        out += "\"topic\":"
        appendString(topic, to: &out)
        return out
    }

    public static func string(_ string: String) -> String {
        var out = ""
        appendString(string, to: &out)
        return out
    }

    /// Valid JSON with its whitespace taken out (`indented: false`), or indented two spaces a
    /// level, one member or element a line (`--pretty`). Strings are copied as they are, escapes
    /// and all; a stray closer never indents below the first level.
    public static func reformatted(_ json: [UInt8], indented: Bool) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(json.count * (indented ? 2 : 1))
        var depth = 0, inString = false, escaped = false
        func newline() {
            guard indented else { return }
            out.append(0x0A)
            out += repeatElement(UInt8(ascii: " "), count: 2 * depth)
        }
        func isSpace(_ byte: UInt8) -> Bool { NumberExtractor.isSpace(byte) }
        for (index, byte) in json.enumerated() {
            if inString {
                out.append(byte)
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""):
                inString = true
                out.append(byte)
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                out.append(byte)
                depth += 1
                // An empty object or array stays on its line.
                let next = json[(index + 1)...].first { !isSpace($0) }
                if next != UInt8(ascii: "}"), next != UInt8(ascii: "]") { newline() }
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth = max(0, depth - 1)
                if let last = out.last, last != UInt8(ascii: "{"), last != UInt8(ascii: "[") { newline() }
                out.append(byte)
            case UInt8(ascii: ","):
                out.append(byte)
                newline()
            case UInt8(ascii: ":"):
                out.append(byte)
                if indented { out.append(UInt8(ascii: " ")) }
            case _ where isSpace(byte):
                continue
            default:
                out.append(byte)
            }
        }
        return out
    }

    /// ISO 8601 UTC with milliseconds: `2026-11-26T18:00:00.123Z`.
    public static func timestamp(_ date: Date) -> String {
        let interval = date.timeIntervalSince1970
        var seconds = time_t(interval.rounded(.down))
        let millis = Int((interval - Double(seconds)) * 1000)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func pad(_ value: Int32, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T"
            + "\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2)).\(pad(Int32(millis), 3))Z"
    }

    /// The v5 properties of a message as a JSON object, keyed by the spec's names.
    public static func properties(_ properties: MQTTProperties) -> String {
        var fields: [String] = []
        var userProperties: [String] = []
        var subscriptionIDs: [String] = []
        for property in properties {
            let name = string(property.identifier.name)
            switch property {
            case let .userProperty(key, value):
                userProperties.append("[\(string(key)),\(string(value))]")
            case let .subscriptionIdentifier(id):
                subscriptionIDs.append(String(id))
            case let .contentType(text), let .responseTopic(text):
                fields.append("\(name):\(string(text))")
            case let .correlationData(bytes):
                fields.append("\(name):\"\(Data(bytes).base64EncodedString())\"")
            case let .payloadFormatIndicator(value):
                fields.append("\(name):\(value)")
            case let .messageExpiryInterval(value):
                fields.append("\(name):\(value)")
            default:
                continue
            }
        }
        if !userProperties.isEmpty { fields.append("\"user_properties\":[\(userProperties.joined(separator: ","))]") }
        if !subscriptionIDs.isEmpty { fields.append("\"subscription_identifiers\":[\(subscriptionIDs.joined(separator: ","))]") }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
