import TopicModel

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
        for alert in state.firing { remember(alert) }
        adoptSilences(state.silences, now: now)
    }

    /// Follows what another program (`hearth watch`) saved of topics this engine has not seen:
    /// its firing alerts there replace those restored before, so the dashboard does not keep
    /// showing an alert the watch has since resolved or fired anew.
    public mutating func followSaved(_ state: WatchState, in model: TopicModel) {
        forgetRestored()
        for alert in state.firing {
            let path = brokers.count > 1 ? alert.broker + "/" + alert.topic : alert.topic
            if let node = model.find(path), hasSeen(node) { continue }
            remember(alert)
        }
    }

    /// Takes the silences another program wrote (the dashboard's `s`), replacing the engine's
    /// (the watcher takes them rule by rule, `silence(_:_:)`).
    public mutating func adoptSilences(_ saved: [WatchState.SavedSilence], now: Double) {
        let silences = Silence.byRule(saved, now: now)
        for rule in Set(self.silences.keys).union(silences.keys) { silence(rule, silences[rule]) }
    }
}
