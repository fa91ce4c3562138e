/// What `hearth watch` keeps across restarts (its state file): the alerts that fire, the rules
/// silenced, and each rule's last action. The dashboard reads it and adds silences to it.
public struct WatchState: Codable, Sendable, Equatable {
    public struct FiringAlert: Codable, Sendable, Equatable {
        public var rule: String
        public var broker: String
        public var topic: String
        public var since: Double
        /// When it last said so (fired or reminded).
        public var told: Double
        public var value: String?
    }

    public struct SavedSilence: Codable, Sendable, Equatable {
        public var rule: String
        /// Until then; nil: until the rule resolves.
        public var until: Double?

        public init(rule: String, until: Double?) {
            self.rule = rule
            self.until = until
        }
    }

    /// How a rule's last action went.
    public struct ActionResult: Codable, Sendable, Equatable {
        public var time: Double
        /// "ok", or why not ("exit 2: no such device").
        public var result: String

        public init(time: Double, result: String) {
            self.time = time
            self.result = result
        }
    }

    /// Counts the writes (whoever wrote): a reader knows a state it has not seen. Absent in a
    /// file no watch wrote yet.
    public var generation: Int?
    public var firing: [FiringAlert] = []
    public var silences: [SavedSilence] = []
    /// By rule name.
    public var actions: [String: ActionResult] = [:]

    public init() {}
}
