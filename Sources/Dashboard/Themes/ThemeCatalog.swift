import Foundation
import ConfigFiles

/// Finds themes by name or path.
///
/// A name is looked up as `NAME.toml` in `$HEARTH_THEMES`, `$XDG_CONFIG_HOME/hearth/themes`
/// (`~/.config/hearth/themes`), the
/// `themes` folder of a source checkout that holds the executable, `share/hearth/themes` beside
/// an installed executable (`make install PREFIX=…` puts them there), and
/// `/usr/share/hearth/themes`. "default" works even when no folder is found.
public enum ThemeCatalog {
    public static let bundledNames = ["default", "light", "solarized-dark", "high-contrast", "monochrome"]

    public static func theme(named nameOrPath: String?, executablePath: String = CommandLine.arguments[0]) throws -> Theme {
        guard let nameOrPath else { return try file(for: "default", executablePath: executablePath).map(ThemeLoader.load) ?? .builtIn }
        if nameOrPath.contains("/") || nameOrPath.hasSuffix(".toml") { return try ThemeLoader.load(contentsOf: nameOrPath) }
        if let path = file(for: nameOrPath, executablePath: executablePath) { return try ThemeLoader.load(contentsOf: path) }
        if nameOrPath == "default" { return .builtIn }
        let names = installedNames(executablePath: executablePath)
        let guess = nearest(to: nameOrPath, among: names).map { "did you mean '\($0)'? " } ?? ""
        throw ThemeError(description: "theme '\(nameOrPath)' not found; \(guess)the themes are \(names.joined(separator: ", "))"
            + " (looked in \(directories(executablePath).joined(separator: ", ")))")
    }

    /// The name a typo most likely meant: one that starts with it or holds it (`solarized` →
    /// `solarized-dark`), else the closest by edits, when it is close.
    static func nearest(to typed: String, among names: [String]) -> String? {
        let lowered = typed.lowercased()
        guard !lowered.isEmpty else { return nil }
        if let start = names.first(where: { $0.hasPrefix(lowered) }) ?? names.first(where: { $0.contains(lowered) }) { return start }
        let scored = names.map { ($0, editDistance(lowered, $0)) }.min { $0.1 < $1.1 }
        return scored.flatMap { $0.1 <= max(2, typed.count / 3) ? $0.0 : nil }
    }

    /// Levenshtein distance: insertions, deletions and substitutions.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var previous = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...max(1, b.count) where !b.isEmpty {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return a.isEmpty ? b.count : previous[b.count]
    }

    static func file(for name: String, executablePath: String) -> String? {
        directories(executablePath).map { $0 + "/" + name + ".toml" }.first { FileManager.default.fileExists(atPath: $0) }
    }

    static func directories(_ executablePath: String) -> [String] {
        var found: [String] = []
        if let custom = ProcessInfo.processInfo.environment["HEARTH_THEMES"] { found.append(custom) }
        found.append(ConfigFolder.path() + "/themes")
        // A build inside a checkout (.build/debug/hearth): walk up to the folder that has themes/.
        var directory = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
        for _ in 0..<5 {
            let candidate = directory.appendingPathComponent("themes").path
            if FileManager.default.fileExists(atPath: candidate + "/default.toml") { found.append(candidate); break }
            directory.deleteLastPathComponent()
        }
        // Installed: PREFIX/bin/hearth and PREFIX/share/hearth/themes.
        let installed = URL(fileURLWithPath: executablePath).resolvingSymlinksInPath().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("share/hearth/themes").path
        if installed != "/usr/share/hearth/themes" { found.append(installed) }
        found.append("/usr/share/hearth/themes")
        return found
    }

    /// The names of the themes found, for shell completion.
    public static func installedNames(executablePath: String = CommandLine.arguments[0]) -> [String] {
        let found = directories(executablePath).flatMap { folder in
            ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".toml") }.map { String($0.dropLast(5)) }
        }
        return Array(Set(found + bundledNames)).sorted()
    }
}
