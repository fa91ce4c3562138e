@testable import Dashboard
import Foundation
import Testing
import ConfigFiles

/// Theme files: the bundled ones, and clear errors for broken ones.
@Suite(.timeLimit(.minutes(3))) struct ThemeTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("themes").path

    @Test(arguments: ThemeCatalog.bundledNames)
    func bundledThemesDefineEveryRole(name: String) throws {
        let theme = try ThemeLoader.load(contentsOf: "\(Self.folder)/\(name).toml")
        #expect(theme.name == name)
        #expect(Set(theme.styles.keys) == Set(Role.allCases))
        // Retained states must differ without colour too: by attributes.
        let attributes = [Role.retainedShown, .retainedHeld, .retainedCleared].map { role in
            let style = theme.style(role)
            return [style.bold, style.dim, style.underline, style.reverse]
        }
        if name == "monochrome" { #expect(Set(attributes).count == 3) }
    }

    @Test func themesAreFoundBesideAnInstalledBinary() {
        // make install PREFIX=/opt/hearth: /opt/hearth/bin/hearth and /opt/hearth/share/hearth/themes.
        let folders = ThemeCatalog.directories("/opt/hearth/bin/hearth")
        #expect(folders.contains("/opt/hearth/share/hearth/themes") && folders.last == "/usr/share/hearth/themes")
        #expect(Set(ThemeCatalog.bundledNames).isSubset(of: ThemeCatalog.installedNames()))
    }

    @Test func theDefaultFileMatchesTheBuiltInTheme() throws {
        #expect(try ThemeLoader.load(contentsOf: "\(Self.folder)/default.toml") == Theme.builtIn)
    }

    @Test func namesResolveToFilesAndUnknownNamesFail() throws {
        let executable = Self.folder + "/../.build/debug/hearth"
        #expect(try ThemeCatalog.theme(named: "solarized-dark", executablePath: executable).name == "solarized-dark")
        #expect(throws: ThemeError.self) { try ThemeCatalog.theme(named: "no-such-theme", executablePath: executable) }
    }

    private func error(_ text: String) -> String {
        do {
            _ = try ThemeLoader.parse(text, source: "bad.toml")
            return "parsed"
        } catch {
            return "\(error)"
        }
    }

    private var complete: String {
        (try? String(contentsOfFile: "\(Self.folder)/default.toml", encoding: .utf8)) ?? ""
    }

    @Test func errorsNameTheLineAndTheKey() {
        #expect(error(complete.replacingOccurrences(of: "sparkline = ", with: "sparklne = "))
                .hasPrefix("theme bad.toml: line 26: unknown role 'sparklne'"))
        let badColour = complete.replacingOccurrences(of: #"live = { fg = "cyan" }"#, with: #"live = { fg = "purpel" }"#)
        #expect(error(badColour) == "theme bad.toml: line 25: role 'live': fg: unknown colour 'purpel' (a name, bright-NAME, colorN or #rrggbb)")
        #expect(error(complete.replacingOccurrences(of: "title = { bold = true }", with: "title = { bold = \"yes\" }"))
                == "theme bad.toml: line 8: role 'title': bold must be true or false")
        #expect(error("name = \"x\"\n[roles]\ntext = {\n").hasPrefix("theme bad.toml: line 3"))
        #expect(error("colour = 1\n").contains("line 1: unknown key 'colour'"))
        for message in [error("[roles"), error(complete + "\n[roles]\n")] { #expect(!message.contains("\n")) }
        // A colour without its quotes says how to write it.
        #expect(error("name = x\n").hasSuffix(#" (text needs quotes: name = "x")"#), "\(error("name = x\n"))")
        #expect(TOMLValueHint.forLine("port = 1883") == "" && TOMLValueHint.forLine("bold = true") == ""
            && TOMLValueHint.forLine(#"fg = "red""#) == "" && TOMLValueHint.forLine("host = 127.0.0.1  # home") == #" (text needs quotes: host = "127.0.0.1")"#)
        // Two mistakes: the first in the file is the one reported, whatever order TOML keeps keys in.
        let twoBad = complete.replacingOccurrences(of: #"live = { fg = "cyan" }"#, with: #"live = { fg = "purpel" }"#)
            .replacingOccurrences(of: "title = { bold = true }", with: #"title = { fg = "purpel" }"#)
        #expect(error(twoBad).hasPrefix("theme bad.toml: line 8: role 'title'"), "\(error(twoBad))")
    }

    @Test func aCustomThemeMayLeaveRolesOutAndANameNotFoundSaysWhichItMeant() throws {
        // Only what it changes: the rest looks as in the default theme.
        let partial = try ThemeLoader.parse("name = \"mine\"\n[roles]\ntree_value = { fg = \"bright-green\" }\n", source: "mine.toml")
        #expect(partial.style(.value).foreground == ThemeColor("bright-green"))
        #expect(partial.style(.stale) == Theme.builtIn.style(.stale) && partial.styles.count == Role.allCases.count)
        #expect(ThemeCatalog.nearest(to: "solarized", among: ThemeCatalog.bundledNames) == "solarized-dark")
        #expect(ThemeCatalog.nearest(to: "hihg-contrast", among: ThemeCatalog.bundledNames) == "high-contrast")
        #expect(ThemeCatalog.nearest(to: "zzzz", among: ThemeCatalog.bundledNames) == nil)
        let missing = try #require(throws: ThemeError.self) { try ThemeCatalog.theme(named: "solarized") }
        #expect(missing.description.hasPrefix("theme 'solarized' not found; did you mean 'solarized-dark'? the themes are default, high-contrast, light, monochrome, solarized-dark"),
                "\(missing.description)")
    }

    @Test func coloursParseAndFallBack() {
        #expect(ThemeColor("#ff0000")?.index(forPalette: 256) == 196)
        #expect(ThemeColor("#ff0000")?.index(forPalette: 8) == 1)
        #expect(ThemeColor("bright-blue")?.index(forPalette: 8) == 4)
        #expect(ThemeColor("color208")?.index(forPalette: 16) == 3)  // orange: nearest is yellow
        #expect(ThemeColor("#00ff00")?.rgbValue == 0x00FF00)
        #expect(ThemeColor("default")?.index(forPalette: 256) == -1)
        #expect(ThemeColor("chartreuse") == nil)
    }
}

/// Found by fuzzing: text that made TOMLKit's parser abort the process is a one-line error.
@Suite(.timeLimit(.minutes(1))) struct ThemeParserSafetyTests {
    @Test(arguments: [("[\u{FFFD}", "line 1: a table header must start with a key"),
                      ("name = \"x\"\n[roles]\né = {}\n", "line 3: unexpected U+E9 (only strings and comments may hold non-ASCII text)"),
                      ("[roles.ü]\n", "line 1: unexpected U+FC (only strings and comments may hold non-ASCII text)"),
                      ("# ok\n  [ =", "line 2: a table header must start with a key"), ("[.a]", "line 1: a table header must start with a key"),
                      ("[[,", "line 1: a table header must start with a key"), ("t = [}", "line 1: a theme has no arrays"),
                      ("name = \"\"\"a\"b\"\"\"\n[é]", "line 1: a theme has no multi-line strings")])
    func textThatAbortedTOMLKitIsAnError(text: String, expected: String) {
        let error = #expect(throws: ThemeError.self) { try ThemeLoader.parse(text, source: "bad.toml") }
        #expect(error?.description == "theme bad.toml: \(expected)")
    }

    @Test func commentsAndStringsMayHoldAnyText() throws {
        let text = (try? String(contentsOfFile: "\(ThemeTests.folder)/default.toml", encoding: .utf8)) ?? ""
        let annotated = "# Thème — für alle 温度\n" + text.replacingOccurrences(of: "name = \"default\"", with: "name = \"défaut ✓\" # ünïcödé")
        #expect(try ThemeLoader.parse(annotated, source: "ok.toml").name == "défaut ✓")
    }
}
