import HeapModule
import MQTT
import TopicModel

/// Evaluates rules against the topic model: one alert per rule and matching topic, each firing
/// and resolving on its own. Pure: it reads the model, is told the time, and returns events.
///
/// A message costs O(the alerts of its topic): a topic's matching rules are found once, when it
/// is first seen. Time (`silent`, `stale`, `for`, `repeat`) is a queue of deadlines, one live
/// entry per alert, so a quiet second costs nothing.
public struct RuleEngine: Sendable {
    public let rules: [Rule]
    /// The brokers' names, by the model's broker number.
    public let brokers: [String]
    /// The profile each broker comes from (its profile's rules watch it), if any.
    private let profiles: [String?]
    public private(set) var alerts: [Alert] = []
    /// Each topic's alerts, once it has been seen (empty: no rule matches it).
    private var alertsByTopic: [NodeID: [Int32]] = [:]
    private var deadlines = Heap<AlertDeadline>()
    private var brokerIsUp: [Bool]
    /// Firing alerts per rule.
    private var firing: [Int]
    /// The alerts that fire, for a screen that lists them (few, unlike the alerts).
    public private(set) var firingAlerts: Set<Int32> = []
    /// Alerts whose condition is the retained state (re-read when a reconnect's burst settles).
    private var retainedAlerts: [Int32] = []
    public private(set) var silences: [String: Silence] = [:]
    /// Alerts that were firing when the state was saved, until their topic is seen again.
    private var restored: [AlertKey: WatchState.FiringAlert] = [:]

    /// Alerts that were firing when the state was saved, on topics not seen since: they fire on
    /// (and count) until their topic says otherwise.
    public var restoredAlerts: [WatchState.FiringAlert] {
        restored.values.sorted { ($0.rule, $0.broker, $0.topic) < ($1.rule, $1.broker, $1.topic) }
    }

    /// Drops the restored alerts (and their counts).
    mutating func forgetRestored() {
        for key in restored.keys {
            if let rule = rules.firstIndex(where: { $0.name == key.rule }) { firing[rule] -= 1 }
        }
        restored = [:]
    }

    /// Whether the topic at `node` has been looked at (its alerts, if any, are live ones).
    func hasSeen(_ node: NodeID) -> Bool { alertsByTopic[node] != nil }

    /// Keeps a saved firing alert of one of these brokers until its topic is seen.
    mutating func remember(_ alert: WatchState.FiringAlert) {
        guard brokers.contains(alert.broker), let rule = rules.firstIndex(where: { $0.name == alert.rule }),
              restored.updateValue(alert, forKey: AlertKey(rule: alert.rule, broker: alert.broker, topic: alert.topic)) == nil else { return }
        firing[rule] += 1
    }

    /// - Parameter profiles: each broker's profile, when it is not the broker's name (a default
    ///   profile's broker is named host:port).
    public init(rules: [Rule], brokers: [String], profiles: [String?]? = nil) {
        self.rules = rules
        self.brokers = brokers
        self.profiles = profiles ?? brokers
        brokerIsUp = Array(repeating: true, count: brokers.count)
        firing = Array(repeating: 0, count: rules.count)
    }

    /// Firing alerts across every rule.
    public var firingCount: Int { firing.reduce(0, +) }

    /// When the next alert needs a look (wall time), if any does.
    public var nextDeadline: Double? { deadlines.min?.time }

    /// Whether rule `index` applies to `broker`'s topics.
    public func applies(_ index: Int, toBroker broker: Int) -> Bool {
        rules[index].applies(toProfile: profiles[broker])
    }

    // MARK: Messages and time

    /// A message arrived on the topic at `node` (the model has it already).
    public mutating func observe(_ node: NodeID, in model: TopicModel, now: Double) -> [WatchEvent] {
        let indices = alerts(of: node, in: model)
        guard !indices.isEmpty else { return [] }
        return indices.compactMap { look(at: $0, in: model, now: now, message: true) }
    }

    /// Brings time up to `now` for the model and the rules together: the model's own timed work
    /// (staleness, a reconnect's burst settling), then the alerts that are due. Returns whether
    /// the model changed, and the events.
    public mutating func tick(_ model: inout TopicModel, now: Double) -> (modelChanged: Bool, events: [WatchEvent]) {
        let changed = model.refresh(now: now)
        let settled = changed ? retainedSettled(in: model, now: now) : []
        return (changed, settled + advance(in: model, now: now))
    }

    /// Looks at every alert whose deadline passed by `now`.
    mutating func advance(in model: TopicModel, now: Double) -> [WatchEvent] {
        var events: [WatchEvent] = []
        while let first = deadlines.min, first.time <= now {
            deadlines.removeMin()
            let index = Int(first.alert)
            // Only an alert's latest entry counts.
            guard alerts[index].scheduledAt == first.time else { continue }
            alerts[index].scheduledAt = nil
            if let event = look(at: first.alert, in: model, now: now, message: false) { events.append(event) }
        }
        return events
    }

    /// A reconnect's retained burst settled (the model's `refresh` said so): values the broker
    /// did not send again are gone.
    mutating func retainedSettled(in model: TopicModel, now: Double) -> [WatchEvent] {
        retainedAlerts.compactMap { look(at: $0, in: model, now: now, message: false) }
    }

    // MARK: Brokers

    /// A broker's connection was lost: its rules are unknown (one event each) until it is back.
    /// A `for` under way starts again then: the time down proves nothing.
    public mutating func brokerDown(_ broker: Int, reason: String, now: Double) -> [WatchEvent] {
        guard brokerIsUp[broker] else { return [] }
        brokerIsUp[broker] = false
        for index in alerts.indices where alerts[index].broker == broker {
            if case .pending = alerts[index].phase { alerts[index].phase = .ok }
        }
        return rules.indices.filter { applies($0, toBroker: broker) }.map { index in
            WatchEvent(kind: .unknown, rule: rules[index].name, severity: rules[index].severity, broker: brokers[broker],
                       topic: rules[index].filter, value: nil, time: now, reason: reason, silenced: isSilenced(rules[index].name, now: now))
        }
    }

    /// A broker is back: each of its alerts is looked at again (its silences counted on).
    public mutating func brokerUp(_ broker: Int, in model: TopicModel, now: Double) -> [WatchEvent] {
        guard !brokerIsUp[broker] else { return [] }
        brokerIsUp[broker] = true
        return alerts.indices.filter { alerts[$0].broker == broker }.compactMap { look(at: Int32($0), in: model, now: now, message: false) }
    }

    public func isUp(_ broker: Int) -> Bool { brokerIsUp[broker] }

    /// A broker's connection changed (the model has followed it): up, or down and why.
    public mutating func follow(_ state: MQTTConnectionState, broker: Int, in model: TopicModel, now: Double) -> [WatchEvent] {
        switch state {
        case .connected: return brokerUp(broker, in: model, now: now)
        case let .reconnecting(_, _, error), let .closed(error?): return brokerDown(broker, reason: "\(error)", now: now)
        case .idle, .connecting, .closed(nil): return []
        }
    }

    // MARK: Silences

    /// Silences a rule (nil lifts it): its events still print, its actions do not run.
    public mutating func silence(_ rule: String, _ silence: Silence?) {
        silences[rule] = silence
    }

    public func isSilenced(_ rule: String, now: Double) -> Bool {
        switch silences[rule] {
        case nil: return false
        case .untilResolved: return true
        case let .until(time): return now < time
        }
    }

    /// How many alerts of a rule fire.
    public func firingCount(ofRule index: Int) -> Int { firing[index] }

    // MARK: Evaluation

    /// The topic's alerts, made when it is first seen.
    private mutating func alerts(of node: NodeID, in model: TopicModel) -> [Int32] {
        if let known = alertsByTopic[node] { return known }
        let broker = model.broker(of: node) ?? 0
        let name = model.topicName(of: node)
        var made: [Int32] = []
        for index in rules.indices where applies(index, toBroker: broker) && MQTTTopic.matches(filter: rules[index].filter, topic: name) {
            var alert = Alert(rule: index, broker: broker, topic: node, topicName: name)
            // A restored alert fires on (it is counted already).
            if let saved = restored.removeValue(forKey: AlertKey(rule: rules[index].name, broker: brokers[broker], topic: name)) {
                alert.phase = .firing(since: saved.since, told: saved.told)
                alert.holds = true
                alert.value = saved.value
                firingAlerts.insert(Int32(alerts.count))
            }
            made.append(Int32(alerts.count))
            if rules[index].condition == .gone { retainedAlerts.append(Int32(alerts.count)) }
            alerts.append(alert)
        }
        alertsByTopic[node] = made
        return made
    }

    /// Reads the alert's condition now, moves its phase, and says so when it fired, reminded or
    /// resolved. `message`: a message arrived (only then can a value have changed).
    private mutating func look(at index: Int32, in model: TopicModel, now: Double, message: Bool) -> WatchEvent? {
        let i = Int(index)
        let rule = rules[alerts[i].rule]
        guard brokerIsUp[alerts[i].broker], let record = model.topic(at: alerts[i].topic) else { return nil }
        let value = RuleValue(payload: record.last.payload, field: rule.field)
        let previous = alerts[i].value
        if let value { alerts[i].value = value.text }
        var holds = false
        var since = now
        var due: Double?
        switch rule.condition {
        case .stale, .silent:
            let span: Double? = if case let .silent(span) = rule.condition { span } else { record.liveness.staleAfter }
            if let span {
                let silence = model.silence(of: record, now: now)
                if silence >= span {
                    holds = true
                    since = now - (silence - span)
                } else {
                    due = now + (span - silence)
                }
            }
        case .offline:
            holds = model.announcesOffline(alerts[i].topic)
        case .gone:
            holds = record.retained == .gone
        // Hysteresis once it fires: until then the limit alone counts. A payload without the
        // number says nothing either way.
        case let .above(limit, clearAt):
            holds = value?.number.map { alerts[i].isFiring ? $0 > clearAt : $0 > limit } ?? alerts[i].holds
        case let .below(limit, clearAt):
            holds = value?.number.map { alerts[i].isFiring ? $0 < clearAt : $0 < limit } ?? alerts[i].holds
        case let .equals(text):
            holds = value?.text == text
        case .changed:
            // An event, not a state: it fires, and is over.
            guard message, let previous, let value, value.text != previous else { return nil }
            return event(.fired, index, now: now)
        }
        alerts[i].holds = holds
        var event: WatchEvent?
        switch alerts[i].phase {
        case .ok where holds, .pending where holds:
            let start = if case let .pending(pendingSince) = alerts[i].phase { pendingSince } else { since }
            if now - start >= rule.holdFor {
                alerts[i].phase = .firing(since: now, told: now)
                firing[alerts[i].rule] += 1
                firingAlerts.insert(index)
                event = self.event(.fired, index, now: now)
                due = earliest(due, rule.repeatEvery.map { now + $0 })
            } else {
                alerts[i].phase = .pending(since: start)
                due = earliest(due, start + rule.holdFor)
            }
        case .ok, .pending:
            alerts[i].phase = .ok
        case .firing where !holds:
            alerts[i].phase = .ok
            firing[alerts[i].rule] -= 1
            firingAlerts.remove(index)
            event = self.event(.resolved, index, now: now)
            // "Until resolved" ends once none of the rule's alerts fires.
            if firing[alerts[i].rule] == 0, silences[rule.name] == .untilResolved { silences[rule.name] = nil }
        case let .firing(firedAt, told):
            guard let every = rule.repeatEvery else { break }
            if now - told >= every {
                alerts[i].phase = .firing(since: firedAt, told: now)
                event = self.event(.reminded, index, now: now)
                due = earliest(due, now + every)
            } else {
                due = earliest(due, told + every)
            }
        }
        schedule(index, at: due)
        return event
    }

    private func event(_ kind: WatchEvent.Kind, _ index: Int32, now: Double) -> WatchEvent {
        let alert = alerts[Int(index)]
        let rule = rules[alert.rule]
        return WatchEvent(kind: kind, rule: rule.name, severity: rule.severity, broker: brokers[alert.broker], topic: alert.topicName,
                          value: alert.value, time: now, silenced: isSilenced(rule.name, now: now))
    }

    private func earliest(_ a: Double?, _ b: Double?) -> Double? {
        guard let a else { return b }
        guard let b else { return a }
        return min(a, b)
    }

    /// Queues a look at `time`, unless an earlier one is queued (which then looks again).
    private mutating func schedule(_ index: Int32, at time: Double?) {
        guard let time else { return }
        if let queued = alerts[Int(index)].scheduledAt, queued <= time { return }
        alerts[Int(index)].scheduledAt = time
        deadlines.insert(AlertDeadline(time: time, alert: index))
    }
}
