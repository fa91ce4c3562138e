import Watch

extension DashboardFrame {
    /// The rules the dashboard evaluates: what fires (the header counts it, the overview lists
    /// it first), and, while the rules view (`a`) is open, each rule's state.
    public struct Alerts: Sendable {
        /// One firing alert.
        public struct Firing: Sendable, Equatable {
            public var rule: String
            public var severity: Severity
            /// The topic, led by its broker's name with several brokers.
            public var topic: String
            public var value: String?
            public var since: Double
        }

        /// One rule in the rules view.
        public struct RuleLine: Sendable, Equatable {
            public var name: String
            public var severity: Severity
            /// Its condition as written ("silent", "above").
            public var condition: String
            public var filter: String
            public var firing: Int
            /// The oldest firing alert: since when, its topic and value.
            public var oldest: Firing?
            /// The newest value of the topic it watched most recently seen (its only topic's, for
            /// a rule on one topic).
            public var lastValue: String?
            /// A broker it watches is down: it cannot be known.
            public var isUnknown: Bool
            public var silence: Silence?
            /// How its last action went (from `hearth watch`'s state file).
            public var lastAction: WatchState.ActionResult?
        }

        /// Critical first, then the oldest first.
        public var firing: [Firing] = []
        /// Rules with an alert that fires (the header's count; one rule may fire on many topics).
        public var firingRules: Int { Set(firing.map(\.rule)).count }
        public var ruleCount = 0
        /// Filled while the rules view is open.
        public var rules: [RuleLine] = []
    }
}
