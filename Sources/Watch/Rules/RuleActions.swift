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
