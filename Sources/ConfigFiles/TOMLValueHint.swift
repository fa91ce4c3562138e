/// A hint for a TOML line that TOMLKit cannot parse because a text value lacks its quotes
/// (`host = 127.0.0.1` reads as a bad number), for theme and config errors.
public enum TOMLValueHint {
    /// The hint for the 1-based line `number` of `lines` (where TOMLKit's parse error points).
    public static func forLine(_ number: Int, of lines: [String]) -> String {
        lines.indices.contains(number - 1) ? forLine(lines[number - 1]) : ""
    }

    /// " (text needs quotes: host = \"127.0.0.1\")" for such a line, else "".
    public static func forLine(_ line: String) -> String {
        guard let equals = line.firstIndex(of: "=") else { return "" }
        let key = line[..<equals].trimmingCharacters(in: .whitespaces)
        var value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        if let comment = value.firstIndex(of: "#") { value = value[..<comment].trimmingCharacters(in: .whitespaces) }
        guard !key.isEmpty, !value.isEmpty, !"\"'[{".contains(value.first ?? "\""),
              Double(value) == nil, value != "true", value != "false" else { return "" }
        return " (text needs quotes: \(key) = \"\(value)\")"
    }
}
