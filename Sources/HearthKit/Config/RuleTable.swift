import Foundation
import MQTT
import TOMLKit
import Watch

/// Reads one `[[rules]]` table of `config.toml` into a rule, or says what is wrong with it, on
/// which line and under which key.
///
/// ```toml
/// [[rules]]
/// name = "freezer warm"
/// topic = "zigbee2mqtt/freezer"
/// field = "temperature"
/// above = -15
/// clear_at = -17
/// for = "5m"
/// severity = "critical"
/// run = ["notify-send", "Freezer"]
/// ```
struct RuleTable {
    /// Keys a rule may have.
    static let keys: Set<String> = Set(RuleCondition.keys).union(["name", "topic", "field", "clear_at", "for", "repeat", "severity",
                                                                   "run", "publish", "timeout"])

    let table: TOMLTable
    /// The profile it belongs to, nil for a global rule.
    let profile: String?
    /// The line of its `[[…rules]]` header.
    let line: Int
    let lines: [String]
    let fail: (String, Int?) -> ConfigurationError

    /// The header's spelling, and where the `index`th of them is.
    static func header(profile: String?) -> String { profile.map { "[[profiles.\($0).rules]]" } ?? "[[rules]]" }

    static func line(of index: Int, profile: String?, in lines: [String]) -> Int {
        let header = header(profile: profile)
        let found = lines.indices.filter { lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix(header) }
        return found.indices.contains(index) ? found[index] + 1 : 1
    }

    /// The rules of a `rules` array, global (`profile` nil) or a profile's.
    static func rules(_ value: any TOMLValueConvertible, profile: String?, lines: [String],
                      fail: (String, Int?) -> ConfigurationError) throws -> [Rule] {
        guard let array = value.array else {
            throw fail("rules must be tables: \(header(profile: profile))", line(of: 0, profile: profile, in: lines))
        }
        return try withoutActuallyEscaping(fail) { fail in
            try array.enumerated().map { index, entry in
                let line = line(of: index, profile: profile, in: lines)
                guard let table = entry.table else { throw fail("rules must be tables: \(header(profile: profile))", line) }
                return try RuleTable(table: table, profile: profile, line: line, lines: lines, fail: fail).rule()
            }
        }
    }

    func rule() throws -> Rule {
        for key in table.keys where !Self.keys.contains(key) {
            throw error("unknown key '\(key)' (known: \(Self.keys.sorted().joined(separator: ", ")))", key)
        }
        guard let name = try string("name"), !name.isEmpty else { throw error("needs a name = \"…\"", nil) }
        let context = "rule '\(name)'"
        guard let filter = try string("topic") else { throw error("\(context): needs a topic = \"FILTER\"", nil) }
        if let problem = MQTTTopic.filterProblem(filter) { throw error("\(context): topic: invalid topic filter '\(filter)': \(problem)", "topic") }
        let conditions = RuleCondition.keys.filter { table[$0] != nil }
        guard conditions.count == 1, let key = conditions.first else {
            throw error("\(context): needs one condition, of \(RuleCondition.keys.joined(separator: ", "))"
                        + (conditions.isEmpty ? "" : " (it has \(conditions.joined(separator: " and ")))"), conditions.last)
        }
        let condition = try self.condition(key, context: context)
        if table["clear_at"] != nil, !(key == "above" || key == "below") { throw error("\(context): clear_at goes with above or below", "clear_at") }
        var rule = Rule(name: name, filter: filter, field: try string("field"), condition: condition, profile: profile, line: line)
        rule.holdFor = try span("for", context: context) ?? 0
        rule.repeatEvery = try span("repeat", context: context)
        if condition == .changed, rule.holdFor > 0 || rule.repeatEvery != nil {
            throw error("\(context): changed is an event: it takes no for or repeat", rule.holdFor > 0 ? "for" : "repeat")
        }
        if let every = rule.repeatEvery, every < 60 { throw error("\(context): repeat must be a minute or longer", "repeat") }
        if let severity = try string("severity") {
            guard let parsed = Severity(rawValue: severity) else { throw error("\(context): severity must be warning or critical", "severity") }
            rule.severity = parsed
        }
        rule.actions = try actions(context: context)
        return rule
    }

    // MARK: Parts

    private func condition(_ key: String, context: String) throws -> RuleCondition {
        func flag() throws {
            guard table[key]?.bool == true else { throw error("\(context): \(key) = true is the only way to say it", key) }
        }
        switch key {
        case "stale": try flag(); return .stale
        case "offline": try flag(); return .offline
        case "gone": try flag(); return .gone
        case "changed": try flag(); return .changed
        case "silent":
            guard let span = try span(key, context: context), span > 0 else { throw error("\(context): silent must be a span such as \"10m\"", key) }
            return .silent(span)
        case "equals":
            guard let text = table[key]?.string else { throw error("\(context): equals must be a string, such as equals = \"5\"", key) }
            return .equals(text)
        default:
            guard let limit = number(key) else { throw error("\(context): \(key) must be a number", key) }
            let clearAt = try table["clear_at"].map { _ in
                guard let value = number("clear_at") else { throw error("\(context): clear_at must be a number", "clear_at") }
                return value
            } ?? limit
            if key == "above" {
                guard clearAt <= limit else { throw error("\(context): clear_at must be at or below above's \(limit)", "clear_at") }
                return .above(limit, clearAt: clearAt)
            }
            guard clearAt >= limit else { throw error("\(context): clear_at must be at or above below's \(limit)", "clear_at") }
            return .below(limit, clearAt: clearAt)
        }
    }

    private func actions(context: String) throws -> RuleActions {
        var actions = RuleActions()
        if let value = table["run"] {
            guard let array = value.array, let words = Optional(array.compactMap { $0.string }), words.count == array.count, !words.isEmpty else {
                throw error("\(context): run must be a program and its arguments, such as [\"notify-send\", \"Freezer\"]", "run")
            }
            guard Self.executable(words[0]) != nil else { throw error("\(context): run: no program '\(words[0])' (not found in PATH)", "run") }
            actions.run = words
        }
        if let value = table["publish"] {
            guard let publish = value.table, let topic = publish["topic"]?.string, let payload = publish["payload"]?.string,
                  publish.keys.allSatisfy({ ["topic", "payload", "retain"].contains($0) }) else {
                throw error("\(context): publish must be { topic = \"…\", payload = \"…\", retain = false }", "publish")
            }
            let retain = publish["retain"]?.bool ?? false
            if publish["retain"] != nil, publish["retain"]?.bool == nil { throw error("\(context): publish: retain must be true or false", "publish") }
            for text in [topic, payload] {
                if let unknown = PublishTemplate.unknownVariables(in: text).first {
                    throw error("\(context): publish: no variable ${\(unknown)} (known: \(PublishTemplate.variables.map { "${\($0)}" }.joined(separator: ", ")))", "publish")
                }
            }
            // A template's topic must still be a topic once filled.
            let sample = PublishTemplate.fill(topic, Dictionary(uniqueKeysWithValues: PublishTemplate.variables.map { ($0, "x") }))
            if let problem = MQTTTopic.sendingProblem(sample) { throw error("\(context): publish: topic '\(topic)': \(problem)", "publish") }
            actions.publish = PublishTemplate(topic: topic, payload: payload, retain: retain)
        }
        if let timeout = try span("timeout", context: context) {
            guard timeout > 0, timeout <= 3600 else { throw error("\(context): timeout must be longer than 0 s, at most an hour", "timeout") }
            actions.timeout = timeout
        }
        return actions
    }

    /// The program a `run` names: a path, or found in `PATH`.
    static func executable(_ program: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        if program.contains("/") { return FileManager.default.isExecutableFile(atPath: program) ? program : nil }
        let path = environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        return path.split(separator: ":").map { "\($0)/\(program)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    // MARK: Values

    private func string(_ key: String) throws -> String? {
        guard let value = table[key] else { return nil }
        guard let string = value.string else { throw error("\(key) must be a string", key) }
        return string
    }

    private func number(_ key: String) -> Double? {
        table[key]?.double ?? table[key]?.int.map(Double.init)
    }

    /// The longest span a rule takes: a year (longer ones could not be waited for anyway).
    static let longestSpan = 365 * 86_400.0

    private func span(_ key: String, context: String) throws -> Double? {
        guard let value = table[key] else { return nil }
        guard let text = value.string, let span = try? TimeSpan.parse(text), span.seconds <= Self.longestSpan else {
            throw error("\(context): \(key) must be a span such as \"90s\", \"10m\", \"1h\", at most a year", key)
        }
        return span.seconds
    }

    /// Whether `line` sets `key` (`for = …`, not `format = …`).
    private static func isKey(_ key: String, _ line: String) -> Bool {
        let trimmed = line.trimmingCharacters(in: .whitespaces)
        return trimmed.hasPrefix(key) && trimmed.dropFirst(key.count).first.map { $0 == " " || $0 == "=" } == true
    }

    /// An error on the line of `key` within this rule (or of its header).
    private func error(_ message: String, _ key: String?) -> ConfigurationError {
        let keyLine = key.flatMap { key in
            lines.indices.dropFirst(line).prefix { !lines[$0].trimmingCharacters(in: .whitespaces).hasPrefix("[") }
                .first { Self.isKey(key, lines[$0]) }
        }.map { $0 + 1 }
        return fail("rules: " + message, keyLine ?? line)
    }
}
