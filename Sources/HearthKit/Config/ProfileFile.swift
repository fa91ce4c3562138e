import Foundation
import MQTT
import Synchronization
import TOMLKit
import Watch
import ConfigFiles

/// `$XDG_CONFIG_HOME/hearth/config.toml` (`~/.config/hearth/config.toml` when unset): connection
/// profiles, and which one is the default.
///
/// ```toml
/// default = "home"
/// [profiles.home]
/// host = "homeassistant.local"
/// username = "mqtt-user"
/// password_command = "pass show mqtt/home"
/// filters = ["zigbee2mqtt/#", "home/#"]
/// ```
/// Errors name the file, the line and the key. A file holding a plain `password` that others may
/// read is refused, as ssh refuses such keys.
public struct ProfileFile: Sendable {
    public let path: String
    public let profiles: [Profile]
    public let defaultName: String?
    /// Rules for every broker (`[[rules]]`); a profile's own are in its `rules`.
    public let rules: [Rule]

    /// The file's path for this environment.
    public static func defaultPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        ConfigFolder.path(environment: environment) + "/config.toml"
    }

    /// Files read so far: a command asks for its profile several times (filters, theme,
    /// connection), and the file is read and checked once.
    private static let loaded = Mutex<[String: ProfileFile]>([:])

    /// Reads the file at `path` (once per process); nil when there is none.
    public static func load(path: String = defaultPath()) throws -> ProfileFile? {
        if let file = loaded.withLock({ $0[path] }) { return file }
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8) else {
            throw ConfigurationError("config \(path): cannot read it as UTF-8 text")
        }
        let file = try parse(text, path: path)
        if file.profiles.contains(where: { $0.password != nil }) {
            let mode = (try? FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) ?? 0
            if mode & 0o077 != 0 {
                throw ConfigurationError("config \(path): holds a password and others may read it (chmod 600 \(path), or use password_file or password_command)")
            }
        }
        loaded.withLock { $0[path] = file }
        return file
    }

    public static func parse(_ text: String, path: String) throws -> ProfileFile {
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        func fail(_ message: String, line: Int? = nil) -> ConfigurationError {
            ConfigurationError("config \(path): " + (line.map { "line \($0): " } ?? "") + message)
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            let line = error.source.begin.line
            throw fail("column \(error.source.begin.column): \(error.description)\(TOMLValueHint.forLine(line, of: lines))", line: line)
        }
        for key in table.keys where !["default", "profiles", "rules"].contains(key) {
            throw fail("unknown key '\(key)' (the file has 'default', [profiles.NAME] tables and [[rules]])", line: Self.line(of: key, in: lines))
        }
        let rules = try table["rules"].map { try RuleTable.rules($0, profile: nil, lines: lines, fail: fail) } ?? []
        var profiles: [Profile] = []
        if let entries = table["profiles"] {
            guard let entries = entries.table else { throw fail("'profiles' must be tables: [profiles.NAME]", line: Self.line(of: "profiles", in: lines)) }
            for name in entries.keys {
                let line = lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[profiles.\(name)]") }.map { $0 + 1 } ?? 1
                guard let entry = entries[name]?.table else { throw fail("profile '\(name)' must be a table: [profiles.\(name)]", line: line) }
                // [[profiles.NAME.rules]] alone makes a profile, as TOML reads it: a misspelled
                // name would point its rules at localhost.
                if entry.keys.allSatisfy({ $0 == "rules" }), !lines.contains(where: { $0.trimmingCharacters(in: .whitespaces).hasPrefix("[profiles.\(name)]") }) {
                    throw fail("[[profiles.\(name).rules]]: there is no profile '\(name)' ([profiles.\(name)] is missing)",
                               line: RuleTable.line(of: 0, profile: name, in: lines))
                }
                profiles.append(try profile(name, entry, line: line, lines: lines, fail: fail))
            }
        }
        try checkGroups(profiles, fail: fail)
        try checkRuleNames(rules + profiles.flatMap(\.rules), fail: fail)
        let defaultName = table["default"].map { $0.string }
        if let defaultName {
            guard let name = defaultName else { throw fail("'default' must be a profile's name, in quotes", line: Self.line(of: "default", in: lines)) }
            guard profiles.contains(where: { $0.name == name }) else {
                throw fail("default profile '\(name)' is not defined", line: Self.line(of: "default", in: lines))
            }
        }
        return ProfileFile(path: path, profiles: profiles.sorted { $0.line < $1.line }, defaultName: defaultName ?? nil, rules: rules)
    }

    private static func profile(_ name: String, _ entry: TOMLTable, line: Int, lines: [String],
                                fail: (String, Int?) -> ConfigurationError) throws -> Profile {
        var profile = Profile(name: name, line: line)
        func keyLine(_ key: String) -> Int? {
            // The key's line within this profile's table.
            lines.indices.dropFirst(line).first { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix(key) }.map { $0 + 1 } ?? line
        }
        func string(_ key: String) throws -> String? {
            guard let value = entry[key] else { return nil }
            guard let string = value.string else { throw fail("profile '\(name)': \(key) must be a string", keyLine(key)) }
            return string
        }
        func flag(_ key: String) throws -> Bool? {
            guard let value = entry[key] else { return nil }
            guard let flag = value.bool else { throw fail("profile '\(name)': \(key) must be true or false", keyLine(key)) }
            return flag
        }
        for key in entry.keys where !Profile.keys.contains(key) {
            throw fail("profile '\(name)': unknown key '\(key)' (known: \(Profile.keys.sorted().joined(separator: ", ")))", keyLine(key))
        }
        profile.host = try string("host")
        if let value = entry["port"] {
            guard let port = value.int, (1...65_535).contains(port) else { throw fail("profile '\(name)': port must be a number from 1 to 65535", keyLine("port")) }
            profile.port = port
        }
        profile.url = try string("url")
        if let url = profile.url {
            do { _ = try BrokerURL(parsing: url) } catch { throw fail("profile '\(name)': url: \(error)", keyLine("url")) }
        }
        profile.username = try string("username")
        profile.password = try string("password")
        profile.passwordFile = try string("password_file").map { ($0 as NSString).expandingTildeInPath }
        if let command = try string("password_command") {
            let words = command.split(whereSeparator: \.isWhitespace).map(String.init)
            guard !words.isEmpty else { throw fail("profile '\(name)': password_command is empty", keyLine("password_command")) }
            profile.passwordCommand = words
        }
        if let store = try string("store") {
            do { _ = try StoreAddress(parsing: store) } catch { throw fail("profile '\(name)': \(error)", keyLine("store")) }
            profile.store = store
        }
        profile.storePasswordFile = try string("store_password_file").map { ($0 as NSString).expandingTildeInPath }
        if let command = try string("store_password_command") {
            let words = command.split(whereSeparator: \.isWhitespace).map(String.init)
            guard !words.isEmpty else { throw fail("profile '\(name)': store_password_command is empty", keyLine("store_password_command")) }
            profile.storePasswordCommand = words
        }
        if let value = entry["filters"] {
            guard let array = value.array, let filters = Optional(array.compactMap { $0.string }), filters.count == array.count, !filters.isEmpty else {
                throw fail("profile '\(name)': filters must be a list of topic filters, such as [\"home/#\"]", keyLine("filters"))
            }
            for filter in filters {
                if let problem = MQTTTopic.filterProblem(filter) {
                    throw fail("profile '\(name)': invalid topic filter '\(filter)': \(problem)", keyLine("filters"))
                }
            }
            profile.filters = filters
        }
        profile.theme = try string("theme")
        profile.cafile = try string("cafile").map { ($0 as NSString).expandingTildeInPath }
        profile.cert = try string("cert").map { ($0 as NSString).expandingTildeInPath }
        profile.key = try string("key").map { ($0 as NSString).expandingTildeInPath }
        profile.tls = try flag("tls")
        profile.insecure = try flag("insecure")
        if let version = try string("version") {
            guard let parsed = MQTTProtocolVersion(spelling: version) else {
                throw fail("profile '\(name)': version must be mqttv5 or mqttv311", keyLine("version"))
            }
            profile.version = parsed
        }
        if let value = entry["brokers"] {
            guard let array = value.array, let names = Optional(array.compactMap { $0.string }), names.count == array.count, !names.isEmpty else {
                throw fail("profile '\(name)': brokers must be a list of profile names, such as [\"home\", \"cabin\"]", keyLine("brokers"))
            }
            for key in entry.keys where !Profile.groupKeys.contains(key) {
                throw fail("profile '\(name)': a group (brokers = […]) takes only \(Profile.groupKeys.sorted().joined(separator: " and ")); '\(key)' belongs in its members' profiles", keyLine(key))
            }
            profile.brokers = names
        }
        if let rules = entry["rules"] {
            profile.rules = try RuleTable.rules(rules, profile: name, lines: lines, fail: fail)
        }
        if [profile.password != nil, profile.passwordFile != nil, profile.passwordCommand != nil].filter({ $0 }).count > 1 {
            throw fail("profile '\(name)': give one of password, password_file and password_command", line)
        }
        return profile
    }

    /// A group names profiles that exist and are not groups, each once.
    private static func checkGroups(_ profiles: [Profile], fail: (String, Int?) -> ConfigurationError) throws {
        for group in profiles {
            guard let members = group.brokers else { continue }
            for member in members {
                guard let profile = profiles.first(where: { $0.name == member }) else {
                    throw fail("profile '\(group.name)': brokers names '\(member)', which is not a profile", group.line)
                }
                if profile.brokers != nil { throw fail("profile '\(group.name)': brokers names '\(member)', which is a group itself", group.line) }
            }
            if Set(members).count != members.count { throw fail("profile '\(group.name)': brokers names a profile twice", group.line) }
        }
    }

    /// The state file names alerts by their rule: a name is used once.
    private static func checkRuleNames(_ rules: [Rule], fail: (String, Int?) -> ConfigurationError) throws {
        var seen: Set<String> = []
        for rule in rules where !seen.insert(rule.name).inserted {
            throw fail("rules: a second rule named '\(rule.name)' (each rule needs its own name)", rule.line)
        }
    }

    /// The rules that watch `profiles`' brokers: the global ones, and each profile's own.
    public func rules(for profiles: [String]) -> [Rule] {
        rules + self.profiles.filter { profiles.contains($0.name) }.flatMap(\.rules)
    }

    /// The profile `name` asks for, or the default one when `name` is nil.
    public func profile(named name: String?) throws -> Profile? {
        guard let name = name ?? defaultName else { return nil }
        guard let profile = profiles.first(where: { $0.name == name }) else {
            let known = profiles.map(\.name)
            throw ConfigurationError("no profile '\(name)' in \(path)" + (known.isEmpty ? "" : " (known: \(known.joined(separator: ", ")))"))
        }
        return profile
    }

    private static func line(of key: String, in lines: [String]) -> Int? {
        lines.firstIndex { $0.trimmingCharacters(in: .whitespaces).hasPrefix(key) }.map { $0 + 1 }
    }
}
