import Foundation
import TextFormat

/// How `hearth history` prints one record: space-separated for a terminal, CSV, or one JSON
/// object per line. Text is escaped as its format needs (for a terminal, for CSV, as JSON).
public enum RecordFormat: String, CaseIterable, Sendable {
    case text, csv, json

    /// One field of a record.
    public enum Field: Sendable {
        case text(String), number(Double), time(Double), flag(Bool)
        /// Already JSON (printed only in the JSON format).
        case json(String)
    }

    /// The header line CSV starts with; nil for the other formats.
    public func header(_ names: [String]) -> String? {
        self == .csv ? names.joined(separator: ",") + "\n" : nil
    }

    /// One record, ending in a newline.
    public func line(_ fields: [(name: String, field: Field)]) -> String {
        switch self {
        case .json:
            return "{" + fields.map { name, field in
                let value: String
                switch field {
                case let .text(text): value = JSON.string(text)
                case let .number(number): value = ValueFormat.number(number)
                case let .time(time): value = JSON.string(JSON.timestamp(Date(timeIntervalSince1970: time)))
                case let .flag(flag): value = flag ? "true" : "false"
                case let .json(json): value = json
                }
                return JSON.string(name) + ":" + value
            }.joined(separator: ",") + "}\n"
        case .csv, .text:
            return fields.map { _, field in
                switch field {
                case let .text(text):
                    let escaped = TerminalEscaping.escaped(Array(text.utf8), keepNewlines: false)
                    return self == .csv ? "\"" + escaped.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : escaped
                case let .number(number): return ValueFormat.number(number)
                case let .time(time): return JSON.timestamp(Date(timeIntervalSince1970: time))
                case let .flag(flag): return flag ? "1" : "0"
                case let .json(json): return json
                }
            }.joined(separator: self == .csv ? "," : " ") + "\n"
        }
    }
}
