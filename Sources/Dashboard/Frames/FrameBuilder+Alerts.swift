import TopicModel
import Watch

/// The rules' part of a frame: O(firing alerts), and O(alerts) only while the rules view is open.
extension FrameBuilder {
    func alerts(_ rules: RuleEngine, model: TopicModel, actions: [String: WatchState.ActionResult], listsRules: Bool,
                now: Double) -> DashboardFrame.Alerts {
        var alerts = DashboardFrame.Alerts()
        alerts.ruleCount = rules.rules.count
        let several = rules.brokers.count > 1
        func firing(_ alert: Alert) -> DashboardFrame.Alerts.Firing {
            let rule = rules.rules[alert.rule]
            return .init(rule: rule.name, severity: rule.severity, topic: several ? rules.brokers[alert.broker] + "/" + alert.topicName : alert.topicName,
                         value: alert.value, since: alert.firingSince ?? now)
        }
        // A broker that is down fires nothing: its rules are unknown. Alerts restored from the
        // watch's state, on topics not seen since, fire on.
        let up = { (broker: Int) in rules.isUp(broker) }
        let restored = rules.restoredAlerts.compactMap { saved -> DashboardFrame.Alerts.Firing? in
            guard let broker = rules.brokers.firstIndex(of: saved.broker), up(broker),
                  let rule = rules.rules.first(where: { $0.name == saved.rule }) else { return nil }
            return .init(rule: rule.name, severity: rule.severity, topic: several ? saved.broker + "/" + saved.topic : saved.topic,
                         value: saved.value, since: saved.since)
        }
        let live = rules.firingAlerts.map { rules.alerts[Int($0)] }.filter { up($0.broker) }.map(firing)
        alerts.firing = (live + restored).sorted { lhs, rhs in
            lhs.severity != rhs.severity ? lhs.severity > rhs.severity : (lhs.since, lhs.rule, lhs.topic) < (rhs.since, rhs.rule, rhs.topic)
        }
        guard listsRules else { return alerts }
        var lines = rules.rules.enumerated().map { index, rule in
            DashboardFrame.Alerts.RuleLine(
                name: rule.name, severity: rule.severity, condition: rule.condition.key, filter: rule.filter,
                firing: rules.firingCount(ofRule: index), oldest: nil, lastValue: nil,
                isUnknown: rules.brokers.indices.contains { rules.applies(index, toBroker: $0) && !rules.isUp($0) },
                silence: rules.isSilenced(rule.name, now: now) ? rules.silences[rule.name] : nil, lastAction: actions[rule.name])
        }
        for alert in rules.alerts where alert.value != nil { lines[alert.rule].lastValue = alert.value }
        for line in alerts.firing.reversed() {
            guard let index = rules.rules.firstIndex(where: { $0.name == line.rule }) else { continue }
            if lines[index].oldest.map({ line.since <= $0.since }) ?? true { lines[index].oldest = line }
        }
        alerts.rules = lines
        return alerts
    }
}
