#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation
import MQTT
import TextFormat
import TopicModel

/// mosquitto_sub's `-F` format strings, parsed once and rendered per message: `%` fields of the
/// message (with mosquitto's flags, widths and maximum widths), `@` fields passed to strftime(3)
/// (`@N` the nanoseconds), and `\` escapes.
///
/// ```swift
/// let format = try MosquittoFormat(parsing: "%t %r %p")
/// format.render(message, pretty: false, escape: false, into: &bytes)   // "home/door 1 closed"
/// ```
///
/// Output is the bytes mosquitto_sub 2.0 writes for the same message, save that times are the
/// message's arrival, not the moment of printing, and that `%J` copies the payload's JSON with its
/// whitespace taken out where mosquitto's cJSON prints it anew (numbers as sent).
public struct MosquittoFormat: Sendable {
    private struct Field: Sendable {
        var code: UInt8
        var zeroPad = false
        var leftAlign = false
        var width = 0
        var maximum: Int?
    }

    private enum Part: Sendable {
        case literal([UInt8])
        case field(Field)
        /// An strftime conversion, or `N` for the nanoseconds.
        case time(UInt8)
    }

    private let parts: [Part]
    /// Whether a field needs the local time (most formats do not).
    private let usesTime: Bool

    /// The widest field width accepted.
    static let maximumWidth = 65_535

    /// Parses a format; an unknown or incomplete `%` field, `@` or `\\` escape is a
    /// `ConfigurationError` naming it, as mosquitto_sub refuses them.
    public init(parsing format: String) throws {
        var parts: [Part] = []
        var literal: [UInt8] = []
        let bytes = Array(format.utf8)
        var index = 0
        func flush() {
            if !literal.isEmpty { parts.append(.literal(literal)) }
            literal = []
        }
        func incomplete() -> ConfigurationError { ConfigurationError("incomplete format specifier at the end of '\(format)'") }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            let starts = byte == UInt8(ascii: "%") || byte == UInt8(ascii: "@") || byte == UInt8(ascii: "\\")
            if starts, index == bytes.count { throw incomplete() }
            switch byte {
            case UInt8(ascii: "%"):
                var field = Field(code: 0)
                while index < bytes.count, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "0") {
                    if bytes[index] == UInt8(ascii: "-") { field.leftAlign = true } else { field.zeroPad = true }
                    index += 1
                }
                field.width = try Self.number(bytes, &index, format) ?? 0
                if index < bytes.count, bytes[index] == UInt8(ascii: ".") {
                    index += 1
                    field.maximum = try Self.number(bytes, &index, format) ?? 0
                }
                guard index < bytes.count else { throw incomplete() }
                field.code = bytes[index]
                index += 1
                if field.code == UInt8(ascii: "%") {
                    literal.append(UInt8(ascii: "%"))
                    continue
                }
                guard Self.fieldCodes.utf8.contains(field.code) else {
                    throw ConfigurationError("invalid format specifier '\(String(decoding: [field.code], as: UTF8.self))' in '\(format)'")
                }
                flush()
                parts.append(.field(field))
            case UInt8(ascii: "@"):
                let code = bytes[index]
                index += 1
                if code == UInt8(ascii: "@") {
                    literal.append(code)
                } else {
                    flush()
                    parts.append(.time(code))
                }
            case UInt8(ascii: "\\"):
                let code = bytes[index]
                index += 1
                let escapes: [UInt8: UInt8] = [
                    UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "0"): 0, UInt8(ascii: "a"): 7, UInt8(ascii: "e"): 0x1B,
                    UInt8(ascii: "n"): 0x0A, UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09, UInt8(ascii: "v"): 0x0B,
                ]
                guard let escaped = escapes[code] else {
                    throw ConfigurationError("invalid escape specifier '\\\(String(decoding: [code], as: UTF8.self))' in '\(format)'")
                }
                literal.append(escaped)
            default:
                literal.append(byte)
            }
        }
        flush()
        self.parts = parts
        usesTime = parts.contains { part in
            switch part {
            case .literal: return false
            case .time: return true
            case let .field(field): return "IjJU".utf8.contains(field.code)
            }
        }
    }

    private static let fieldCodes = "ACDEFIjJlmPpqRrStUxX"
    /// The fields whose bytes the broker chose.
    private static let fromBroker = "CDPpRt"

    private static func number(_ bytes: [UInt8], _ index: inout Int, _ format: String) throws -> Int? {
        var value: Int?
        while index < bytes.count, bytes[index] >= 0x30, bytes[index] <= 0x39 {
            value = (value ?? 0) * 10 + Int(bytes[index] - 0x30)
            index += 1
            if let value, value > maximumWidth { throw ConfigurationError("format width over \(maximumWidth) in '\(format)'") }
        }
        return value
    }

    // MARK: Rendering

    /// Appends `message` as the format says; false when `%J` met a payload that is not JSON (that
    /// field is left out and the rest printed, as mosquitto_sub does, and the caller says so).
    /// `escape` makes what the broker sent (topic, payload, properties) safe for a terminal; the
    /// format's own bytes (an `\e` for colour) stay.
    @discardableResult
    public func render(_ message: MQTTMessage, pretty: Bool, escape: Bool, into out: inout [UInt8]) -> Bool {
        let time = message.receivedAt.timeIntervalSince1970
        var seconds = time_t(time.rounded(.down))
        let nanoseconds = Int(((time - Double(seconds)) * 1e9).rounded(.down))
        var local = tm()
        if usesTime { localtime_r(&seconds, &local) }
        var complete = true
        for part in parts {
            switch part {
            case let .literal(bytes):
                out += bytes
            case let .time(code):
                if code == UInt8(ascii: "N") {
                    out += Array(Self.zeroPadded(nanoseconds, 9).utf8)
                } else {
                    out += Self.formatTime("%" + String(decoding: [code], as: UTF8.self), local)
                }
            case let .field(field):
                switch field.code {
                case UInt8(ascii: "j"), UInt8(ascii: "J"):
                    guard let json = json(message, local: local, nanoseconds: nanoseconds, rawPayload: field.code == UInt8(ascii: "J")) else {
                        complete = false
                        continue
                    }
                    let shown = pretty ? JSON.reformatted(json, indented: true) : json
                    out += escape ? Array(TerminalEscaping.escaped(shown).utf8) : shown
                case UInt8(ascii: "p"), UInt8(ascii: "x"), UInt8(ascii: "X"):
                    let payload = payloadField(message.payload, field)
                    out += escape && field.code == UInt8(ascii: "p") ? Array(TerminalEscaping.escaped(payload).utf8) : payload
                default:
                    // `%R`, `%D` and `%P` print nothing for a property the message does not carry;
                    // the others pad an empty value, as mosquitto_sub does.
                    guard let value = value(field.code, message, local: local, nanoseconds: nanoseconds) else { continue }
                    let fitted = padded(value, field)
                    out += escape && Self.fromBroker.utf8.contains(field.code) ? Array(TerminalEscaping.escaped(fitted).utf8) : fitted
                }
            }
        }
        return complete
    }

    /// A field's bytes before padding; nil for a response topic, correlation data or user
    /// property the message does not carry (those print nothing, not even padding).
    private func value(_ code: UInt8, _ message: MQTTMessage, local: tm, nanoseconds: Int) -> [UInt8]? {
        let properties = message.properties
        func text(_ value: (some CustomStringConvertible)?) -> [UInt8] { value.map { Array($0.description.utf8) } ?? [] }
        switch code {
        case UInt8(ascii: "A"): return text(properties.topicAlias)
        case UInt8(ascii: "C"): return text(properties.contentType)
        case UInt8(ascii: "D"): return properties.correlationData
        case UInt8(ascii: "E"): return text(properties.messageExpiryInterval)
        case UInt8(ascii: "F"): return text(properties.payloadFormatIndicator)
        case UInt8(ascii: "I"): return Self.formatTime("%Y-%m-%dT%H:%M:%S%z", local)
        case UInt8(ascii: "l"): return Array("\(message.payload.count)".utf8)
        case UInt8(ascii: "P"):
            let users = properties.userProperties
            return users.isEmpty ? nil : Array(users.map { "\($0.key):\($0.value)" }.joined(separator: " ").utf8)
        case UInt8(ascii: "R"): return properties.responseTopic.map { Array($0.utf8) }
        case UInt8(ascii: "r"): return message.retain ? [UInt8(ascii: "1")] : [UInt8(ascii: "0")]
        case UInt8(ascii: "q"): return Array("\(message.qos.rawValue)".utf8)
        case UInt8(ascii: "m"): return Array("\(message.packetID)".utf8)
        case UInt8(ascii: "S"): return text(properties.subscriptionIdentifiers.first)
        case UInt8(ascii: "t"): return Array(message.topic.utf8)
        case UInt8(ascii: "U"):
            return Array("\(Int(message.receivedAt.timeIntervalSince1970.rounded(.down))).\(Self.zeroPadded(nanoseconds, 9))".utf8)
        default: return nil
        }
    }

    /// `%p`, `%x` and `%X` as mosquitto_sub writes them: a width is also the most the payload
    /// shows (in bytes for `%p`, in hex digits, whole bytes only, for `%x`).
    private func payloadField(_ payload: [UInt8], _ field: Field) -> [UInt8] {
        let hex = field.code != UInt8(ascii: "p")
        var shown = payload[...]
        var pad = 0
        if field.width > 0 {
            let count = min(payload.count, field.width) / (hex ? 2 : 1)
            shown = payload.prefix(count)
            pad = field.width - count * (hex ? 2 : 1)
        }
        let digits = hex ? Array(shown.map { Self.zeroPadded(Int($0), 2, radix: 16) }.joined().utf8) : Array(shown)
        let bytes = field.code == UInt8(ascii: "X") ? digits.map { $0 >= 0x61 && $0 <= 0x66 ? $0 - 0x20 : $0 } : digits
        guard pad > 0 else { return bytes }
        let fill = [UInt8](repeating: field.zeroPad && !field.leftAlign ? UInt8(ascii: "0") : UInt8(ascii: " "), count: pad)
        return field.leftAlign ? bytes + fill : fill + bytes
    }

    /// Width and maximum width as mosquitto_sub applies them (in bytes, as printf counts).
    private func padded(_ value: [UInt8], _ field: Field) -> [UInt8] {
        var value = value
        if let maximum = field.maximum, Self.cuttable.utf8.contains(field.code), value.count > maximum {
            value = Array(value.prefix(maximum))
        }
        guard Self.paddable.utf8.contains(field.code), value.count < field.width else { return value }
        let zero = field.zeroPad && !field.leftAlign && Self.zeroPaddable.utf8.contains(field.code)
        let fill = [UInt8](repeating: zero ? UInt8(ascii: "0") : UInt8(ascii: " "), count: field.width - value.count)
        return field.leftAlign ? value + fill : fill + value
    }

    private static let paddable = "ACEFIlmRSt"
    private static let zeroPaddable = "AEFlmS"
    private static let cuttable = "CIRt"

    // MARK: %j and %J

    /// mosquitto_sub's JSON line: `tst`, `topic`, `qos`, `retain`, `payloadlen`, `mid` (QoS 1
    /// and 2), the v5 `properties`, and the payload quoted (`%j`) or as the JSON it is (`%J`; nil
    /// when it is not).
    private func json(_ message: MQTTMessage, local: tm, nanoseconds: Int, rawPayload: Bool) -> [UInt8]? {
        var out = Array("{\"tst\":\"".utf8) + Self.formatTime("%Y-%m-%dT%H:%M:%S", local)
        out += Array(".\(Self.zeroPadded(nanoseconds / 1000, 6))Z".utf8) + Self.formatTime("%z", local)
        out += Array("\",\"topic\":".utf8) + Self.quoted(Array(message.topic.utf8))
        out += Array(",\"qos\":\(message.qos.rawValue),\"retain\":\(message.retain ? 1 : 0),\"payloadlen\":\(message.payload.count)".utf8)
        if message.qos != .atMostOnce { out += Array(",\"mid\":\(message.packetID)".utf8) }
        if let properties = Self.properties(message.properties) { out += Array(",\"properties\":".utf8) + properties }
        out += Array(",\"payload\":".utf8)
        if message.payload.isEmpty {
            out += Array("null".utf8)
        } else if rawPayload {
            // UTF-8 JSON only, as cJSON reads it: Foundation would take UTF-16 too, which it
            // tells by its NUL bytes (never in UTF-8 JSON text).
            guard !message.payload.contains(0), String(validating: message.payload, as: UTF8.self) != nil,
                  (try? JSONSerialization.jsonObject(with: Data(message.payload), options: .fragmentsAllowed)) != nil else { return nil }
            out += JSON.reformatted(message.payload, indented: false)
        } else {
            out += Self.quoted(message.payload)
        }
        return out + [UInt8(ascii: "}")]
    }

    /// The v5 properties as mosquitto_sub names them, user properties as one object.
    private static func properties(_ properties: MQTTProperties) -> [UInt8]? {
        var fields: [[UInt8]] = []
        var users: [[UInt8]]?
        func named(_ name: String, _ value: [UInt8]) -> [UInt8] { Array("\"\(name)\":".utf8) + value }
        for property in properties {
            switch property {
            case let .userProperty(key, value):
                if users == nil { fields.append([]) }  // its place, filled below
                users = (users ?? []) + [quoted(Array(key.utf8)) + [UInt8(ascii: ":")] + quoted(Array(value.utf8))]
            case let .contentType(value): fields.append(named("content-type", quoted(Array(value.utf8))))
            case let .responseTopic(value): fields.append(named("response-topic", quoted(Array(value.utf8))))
            case let .correlationData(value): fields.append(named("correlation-data", quoted(value)))
            case let .payloadFormatIndicator(value): fields.append(named("payload-format-indicator", Array("\(value)".utf8)))
            case let .messageExpiryInterval(value): fields.append(named("message-expiry-interval", Array("\(value)".utf8)))
            case let .subscriptionIdentifier(value): fields.append(named("subscription-identifier", Array("\(value)".utf8)))
            case let .topicAlias(value): fields.append(named("topic-alias", Array("\(value)".utf8)))
            default: break
            }
        }
        if let users, let slot = fields.firstIndex(of: []) {
            fields[slot] = named("user-properties", [UInt8(ascii: "{")] + Array(users.joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "}")])
        }
        return fields.isEmpty ? nil : [UInt8(ascii: "{")] + Array(fields.joined(separator: [UInt8(ascii: ",")])) + [UInt8(ascii: "}")]
    }

    /// A JSON string as cJSON writes one: quote, backslash and control characters escaped, other
    /// bytes as they are.
    private static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "\"")]
        for byte in bytes {
            switch byte {
            case UInt8(ascii: "\""): out += Array(#"\""#.utf8)
            case UInt8(ascii: "\\"): out += Array(#"\\"#.utf8)
            case 0x08: out += Array(#"\b"#.utf8)
            case 0x0C: out += Array(#"\f"#.utf8)
            case 0x0A: out += Array(#"\n"#.utf8)
            case 0x0D: out += Array(#"\r"#.utf8)
            case 0x09: out += Array(#"\t"#.utf8)
            case ..<0x20: out += Array(("\\u" + zeroPadded(Int(byte), 4, radix: 16)).utf8)
            default: out.append(byte)
            }
        }
        // Bytes that are not UTF-8 stay as they came, as mosquitto_sub writes them.
        out.append(UInt8(ascii: "\""))
        return out
    }

    // MARK: Helpers

    private static func formatTime(_ format: String, _ time: tm) -> [UInt8] {
        var time = time
        var buffer = [CChar](repeating: 0, count: 128)
        let count = strftime(&buffer, buffer.count, format, &time)
        return buffer.prefix(count).map { UInt8(bitPattern: $0) }
    }

    private static func zeroPadded(_ value: Int, _ digits: Int, radix: Int = 10) -> String {
        let text = String(value, radix: radix)
        return String(repeating: "0", count: max(0, digits - text.count)) + text
    }
}
