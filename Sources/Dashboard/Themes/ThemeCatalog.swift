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
        throw ThemeError(description: "theme '\(nameOrPath)' not found (looked in \(directories(executablePath).joined(separator: ", ")))")
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
