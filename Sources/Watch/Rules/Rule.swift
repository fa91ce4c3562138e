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

    /// Whether the rule watches the broker of `profile` (nil: a broker no profile names).
    public func applies(toProfile profile: String?) -> Bool { self.profile == nil || self.profile == profile }
}
