import Foundation
import TopicModel
import TextFormat

/// What changed since a topic's previous message (`v`): for JSON, each field whose value changed
/// (old → new), was added or was removed; for anything else, both payloads.
enum PayloadDiff {
    /// At most this many changed fields are listed (the rest are counted).
    static let maximumFields = 200

    static func lines(previous: StoredMessage, last: StoredMessage, width: Int) -> [StyledLine] {
        guard let old = flatten(previous.payload), let new = flatten(last.payload) else {
            return [
                StyledLine([("  before  ", .dim), (ValueFormat.preview(previous, length: max(8, width - 12)), .text)]),
                StyledLine([("  now     ", .dim), (ValueFormat.preview(last, length: max(8, width - 12)), .text)]),
            ]
        }
        var out: [StyledLine] = []
        var changed = 0
        for key in (new.keys.sorted()) where old[key] != new[key] {
            changed += 1
            guard changed <= maximumFields else { continue }
            let name = escape(key)
            if let before = old[key] {
                out.append(StyledLine([("  ", .text), (name, .jsonKey), ("  " + escape(before), .dim), (" → ", .dim), (escape(new[key] ?? ""), .jsonNumber)]))
            } else {
                out.append(StyledLine([("+ ", .success), (name, .jsonKey), ("  " + escape(new[key] ?? ""), .jsonNumber)]))
            }
        }
        for key in old.keys.sorted() where new[key] == nil {
            changed += 1
            guard changed <= maximumFields else { continue }
            out.append(StyledLine([("- ", .error), (escape(key), .jsonKey), ("  " + escape(old[key] ?? ""), .dim)]))
        }
        if changed > maximumFields { out.append(StyledLine("  and \(changed - maximumFields) more", .dim)) }
        if out.isEmpty { out.append(StyledLine("  no field changed", .dim)) }
        return out.flatMap { $0.wrapped(width: width) }
    }

    /// A JSON object's leaves by dotted path ("AM2301.Temperature"), each as its JSON text; nil
    /// when the payload is not a JSON object.
    static func flatten(_ payload: [UInt8]) -> [String: String]? {
        guard payload.first == UInt8(ascii: "{"), payload.count <= 64 * 1024,
              let object = try? JSONSerialization.jsonObject(with: Data(payload), options: [.fragmentsAllowed]) as? [String: Any]
        else { return nil }
        var leaves: [String: String] = [:]
        // An explicit stack, and a bounded depth: payloads come from the broker.
        var stack: [(prefix: String, value: Any, depth: Int)] = [("", object, 0)]
        while let (prefix, value, depth) = stack.popLast() {
            if let dictionary = value as? [String: Any], depth < 8 {
                for (key, child) in dictionary { stack.append((prefix.isEmpty ? key : prefix + "." + key, child, depth + 1)) }
            } else {
                leaves[prefix] = text(value)
            }
        }
        return leaves
    }

    private static func text(_ value: Any) -> String {
        if value is NSNull { return "null" }
        // Booleans come back as numbers (1 and 0) on Linux's Foundation.
        if let number = value as? NSNumber { return ValueFormat.number(number.doubleValue) }
        if let string = value as? String { return "\"" + string + "\"" }
        if let data = try? JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .sortedKeys]) {
            return String(decoding: data, as: UTF8.self)
        }
        return String(describing: value)
    }

    private static func escape(_ text: String) -> String {
        TerminalEscaping.escaped(Array(text.utf8), keepNewlines: false)
    }
}
