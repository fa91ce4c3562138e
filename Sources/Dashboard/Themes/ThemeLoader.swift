import Foundation
import TOMLKit
import ConfigFiles

/// A theme file that cannot be used, with the line and key at fault.
public struct ThemeError: Error, CustomStringConvertible, Equatable {
    public let description: String
}

/// Reads theme files (TOML).
///
/// ```toml
/// name = "default"
/// [roles]
/// text = {}
/// retained_shown = { fg = "green", bold = true }
/// ```
/// Each role takes `fg`, `bg` (a colour name, `bright-NAME`, `colorN` or `#rrggbb`) and the flags
/// `bold`, `dim`, `underline`, `reverse`. A role left out looks as in the default theme, so a
/// custom theme may change only what it cares about.
public enum ThemeLoader {
    static let styleKeys: Set<String> = ["fg", "bg", "bold", "dim", "underline", "reverse"]

    public static func load(contentsOf path: String) throws -> Theme {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ThemeError(description: "theme \(path): cannot read the file")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw ThemeError(description: "theme \(path): not UTF-8 text")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws -> Theme {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func fail(_ message: String, key: String? = nil) -> ThemeError {
            let line = key.flatMap { Self.line(of: $0, in: lines) }
            return ThemeError(description: "theme \(source): " + (line.map { "line \($0): " } ?? "") + message)
        }
        if let (line, reason) = ThemeTextCheck.problem(in: text) {
            throw ThemeError(description: "theme \(source): line \(line): \(reason)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            throw ThemeError(description: "theme \(source): line \(line), column \(error.source.begin.column): \(error.description)"
                + TOMLValueHint.forLine(line, of: lines))
        }
        // Keys in file order, so the first mistake in the file is the one reported.
        func inFileOrder(_ keys: [String]) -> [String] {
            keys.map { ($0, Self.line(of: $0, in: lines) ?? .max) }.sorted { $0.1 < $1.1 }.map(\.0)
        }
        for key in inFileOrder(table.keys) where key != "name" && key != "roles" {
            throw fail("unknown key '\(key)' (a theme has 'name' and a [roles] table)", key: key)
        }
        guard let roles = table["roles"]?.table else { throw fail("missing the [roles] table") }
        var styles: [Role: Theme.Style] = [:]
        for key in inFileOrder(roles.keys) {
            guard let role = Role(rawValue: key) else { throw fail("unknown role '\(key)'", key: key) }
            guard let entry = roles[key]?.table else {
                throw fail("role '\(key)' must be a table such as { fg = \"green\", bold = true }", key: key)
            }
            styles[role] = try style(entry, role: key, fail: { fail($0, key: key) })
        }
        for role in Role.allCases where styles[role] == nil { styles[role] = Theme.builtIn.style(role) }
        let name = table["name"]?.string ?? URL(fileURLWithPath: source).deletingPathExtension().lastPathComponent
        return Theme(name: name, styles: styles)
    }

    private static func style(_ entry: TOMLTable, role: String, fail: (String) -> ThemeError) throws -> Theme.Style {
        var style = Theme.Style()
        for key in entry.keys {
            guard styleKeys.contains(key) else {
                throw fail("role '\(role)': unknown key '\(key)' (use fg, bg, bold, dim, underline, reverse)")
            }
            if key == "fg" || key == "bg" {
                guard let name = entry[key]?.string else { throw fail("role '\(role)': \(key) must be a string") }
                guard let color = ThemeColor(name) else {
                    throw fail("role '\(role)': \(key): unknown colour '\(name)' (a name, bright-NAME, colorN or #rrggbb)")
                }
                if key == "fg" { style.foreground = color } else { style.background = color }
                continue
            }
            guard let flag = entry[key]?.bool else { throw fail("role '\(role)': \(key) must be true or false") }
            switch key {
            case "bold": style.bold = flag
            case "dim": style.dim = flag
            case "underline": style.underline = flag
            default: style.reverse = flag
            }
        }
        return style
    }

    /// The first line (1-based) that assigns `key`, for error messages.
    static func line(of key: String, in lines: [String]) -> Int? {
        for (index, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            guard trimmed.hasPrefix(key) else { continue }
            let rest = trimmed.dropFirst(key.count).drop { $0 == " " || $0 == "\t" }
            if rest.hasPrefix("=") { return index + 1 }
        }
        return nil
    }
}
