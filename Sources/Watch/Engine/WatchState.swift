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

    public var firing: [FiringAlert] = []
    public var silences: [SavedSilence] = []
    /// By rule name.
    public var actions: [String: ActionResult] = [:]

    public init() {}
}

extension RuleEngine {
    /// The engine's state to save: what fires (including alerts restored but not seen since),
    /// and the silences still in force.
    public func state(now: Double) -> WatchState {
        var state = WatchState()
        for alert in alerts {
            guard case let .firing(since, told) = alert.phase else { continue }
            state.firing.append(WatchState.FiringAlert(rule: rules[alert.rule].name, broker: brokers[alert.broker], topic: alert.topicName,
                                                       since: since, told: told, value: alert.value))
        }
        state.firing += restoredAlerts
        state.silences = silences.compactMap { rule, silence in
            switch silence {
            case .untilResolved: return WatchState.SavedSilence(rule: rule, until: nil)
            case let .until(time): return time > now ? WatchState.SavedSilence(rule: rule, until: time) : nil
            }
        }.sorted { $0.rule < $1.rule }
        return state
    }

    /// Takes up a saved state before any topic is seen: an alert that was firing fires on
    /// without firing again, and resolves if its condition no longer holds.
    public mutating func restore(_ state: WatchState, now: Double) {
        let known = Set(rules.map(\.name))
        for alert in state.firing where known.contains(alert.rule) { remember(alert) }
        adoptSilences(state.silences, now: now)
    }

    /// Takes the silences another program wrote (the dashboard's `s`), replacing the engine's.
    public mutating func adoptSilences(_ saved: [WatchState.SavedSilence], now: Double) {
        var silences: [String: Silence] = [:]
        for silence in saved {
            if let until = silence.until {
                if until > now { silences[silence.rule] = .until(until) }
            } else {
                silences[silence.rule] = .untilResolved
            }
        }
        for rule in Set(self.silences.keys).union(silences.keys) { silence(rule, silences[rule]) }
    }
}
