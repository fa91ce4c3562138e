import Foundation

/// What a rule reads of a payload: its text (or a JSON field's), and the number in it.
struct RuleValue: Equatable {
    /// The most of a value an event carries.
    static let maximumLength = 200

    let text: String
    let number: Double?

    /// The payload's value, or `field`'s within its JSON; nil when the field is missing or the
    /// payload is not JSON.
    init?(payload: [UInt8], field: String?) {
        guard let field else {
            let text = String(decoding: payload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            self.init(text: text, number: Self.leadingNumber(text))
            return
        }
        guard var value = try? JSONDecoder().decode(JSONValue.self, from: Data(payload)) else { return nil }
        for level in field.split(separator: ".", omittingEmptySubsequences: false) {
            guard let next = value.child(String(level)) else { return nil }
            value = next
        }
        switch value {
        case let .string(text): self.init(text: text, number: Self.leadingNumber(text))
        case let .number(number): self.init(text: Self.format(number), number: number)
        case let .bool(flag): self.init(text: flag ? "true" : "false", number: nil)
        case .null: self.init(text: "null", number: nil)
        case .object, .array: self.init(text: "\(value)", number: nil)
        }
    }

    init(text: String, number: Double?) {
        self.text = text.count > Self.maximumLength ? String(text.prefix(Self.maximumLength)) + "…" : text
        self.number = number
    }

    /// The number a text starts with ("21.5", "21.5 °C"), if it is finite.
    private static func leadingNumber(_ text: String) -> Double? {
        let token = text.prefix { !$0.isWhitespace }
        guard let number = Double(token), number.isFinite else { return nil }
        return number
    }

    /// A number as JSON would write it: whole numbers without a fraction.
    static func format(_ number: Double) -> String {
        number.rounded() == number && abs(number) < 1e15 ? String(Int64(number)) : String(number)
    }
}

/// A JSON value as `JSONDecoder` reads it: true and false stay apart from numbers.
private indirect enum JSONValue: Decodable, CustomStringConvertible {
    case object([String: JSONValue])
    case array([JSONValue])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let flag = try? container.decode(Bool.self) {
            self = .bool(flag)
        } else if let number = try? container.decode(Double.self) {
            self = .number(number)
        } else if let text = try? container.decode(String.self) {
            self = .string(text)
        } else if let array = try? container.decode([JSONValue].self) {
            self = .array(array)
        } else {
            self = .object(try container.decode([String: JSONValue].self))
        }
    }

    /// The member `key` of an object, or the element at index `key` of an array.
    func child(_ key: String) -> JSONValue? {
        switch self {
        case let .object(members): return members[key]
        case let .array(elements): return Int(key).flatMap { elements.indices.contains($0) ? elements[$0] : nil }
        default: return nil
        }
    }

    /// Compact, for an event's value: `{"a":1}`, `[1,2]`.
    var description: String {
        switch self {
        case let .object(members):
            return "{" + members.sorted { $0.key < $1.key }.map { "\"\($0.key)\":\($0.value)" }.joined(separator: ",") + "}"
        case let .array(elements): return "[" + elements.map(\.description).joined(separator: ",") + "]"
        case let .string(text): return "\"\(text)\""
        case let .number(number): return RuleValue.format(number)
        case let .bool(flag): return flag ? "true" : "false"
        case .null: return "null"
        }
    }
}
