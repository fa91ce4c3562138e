/// One rule of `[[rules]]`: which topics it watches, when it fires, and what it does then.
///
/// A rule is watched per topic: `topic = "home/+/temperature"` keeps one alert for each matching
/// topic, and each fires and resolves on its own.
public struct Rule: Sendable, Equatable {
    public var name: String
    /// An MQTT filter over topic names (within each broker the rule applies to).
    public var filter: String
    /// A JSON field of the payload (`a.b`, `list.0`) instead of the whole payload.
    public var field: String?
    public var condition: RuleCondition
    /// How long the condition must hold before the rule fires (0: at once).
    public var holdFor: Double
    /// While still firing, remind this often.
    public var repeatEvery: Double?
    public var severity: Severity
    public var actions: RuleActions
    /// The profile whose broker the rule watches; nil for a global rule (every broker).
    public var profile: String?
    /// Where the rule is written, for what is said about it ("config.toml line 12").
    public var line: Int

    public init(name: String, filter: String, field: String? = nil, condition: RuleCondition, holdFor: Double = 0,
                repeatEvery: Double? = nil, severity: Severity = .warning, actions: RuleActions = RuleActions(),
                profile: String? = nil, line: Int = 0) {
        self.name = name
        self.filter = filter
        self.field = field
        self.condition = condition
        self.holdFor = holdFor
        self.repeatEvery = repeatEvery
        self.severity = severity
        self.actions = actions
        self.profile = profile
        self.line = line
    }
}

/// How bad a firing rule is, in the terms monitoring systems use (Nagios/Icinga exit codes).
public enum Severity: String, Sendable, CaseIterable, Comparable {
    case warning
    case critical

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs == .warning && rhs == .critical }
}

/// What a rule does when it fires, reminds or resolves, besides the event it always logs.
public struct RuleActions: Sendable, Equatable {
    /// A program and its arguments, run without a shell.
    public var run: [String]?
    /// A message to publish on the rule's broker; topic and payload are templates.
    public var publish: PublishTemplate?
    /// How long `run` may take before it is killed.
    public var timeout: Double

    public init(run: [String]? = nil, publish: PublishTemplate? = nil, timeout: Double = 10) {
        self.run = run
        self.publish = publish
        self.timeout = timeout
    }

    public var isEmpty: Bool { run == nil && publish == nil }
}

/// A message to publish, with `${rule}`, `${topic}`, `${value}`, `${state}`, `${broker}`,
/// `${severity}` and `${time}` filled in from the event.
public struct PublishTemplate: Sendable, Equatable {
    public var topic: String
    public var payload: String
    public var retain: Bool

    public init(topic: String, payload: String, retain: Bool = false) {
        self.topic = topic
        self.payload = payload
        self.retain = retain
    }

    /// The names the templates know.
    public static let variables = ["rule", "topic", "value", "state", "broker", "severity", "time"]

    /// `text` with each `${name}` replaced by `values[name]`; an unknown name stays as written.
    public static func fill(_ text: String, _ values: [String: String]) -> String {
        var result = ""
        var rest = Substring(text)
        while let start = rest.range(of: "${") {
            result += rest[..<start.lowerBound]
            guard let end = rest[start.upperBound...].firstIndex(of: "}"),
                  let value = values[String(rest[start.upperBound..<end])] else {
                result += "${"
                rest = rest[start.upperBound...]
                continue
            }
            result += value
            rest = rest[rest.index(after: end)...]
        }
        return result + rest
    }
}
