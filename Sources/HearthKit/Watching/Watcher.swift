import Foundation
import MQTT
import TopicModel
import Watch

/// `hearth watch`'s core: one topic model and one rule engine fed by every broker's session,
/// a line per event on the output, actions through the queue, and the state file kept.
///
/// An actor: the sessions' batches, the timer and the end take turns. A message costs its
/// ingest and its topic's alerts.
public actor Watcher {
    private var model: TopicModel
    private var engine: RuleEngine
    private let actions: ActionQueue?
    private let stateFile: WatchStateFile?
    private let emit: @Sendable (String) -> Void
    /// The engine changed since the state was saved; the action results' version saved.
    private var unsaved = false
    private var savedResults = 0
    private var lastSave = 0.0
    /// The silences as this watch last saved or read them: another program's change to a rule
    /// is what differs from these (and the engine's own changes stay).
    private var savedSilences: [WatchState.SavedSilence] = []
    /// The rules by name and brokers by name, for the events' actions.
    private let ruleIndex: [String: Int]
    private let brokerIndex: [String: Int]

    /// The model keeps little history: the engine reads each topic's newest message.
    public static var modelLimits: TopicModel.Limits {
        var limits = TopicModel.Limits()
        limits.historyCount = 1
        limits.historyBytes = 4096
        limits.totalHistoryBytes = 16 << 20
        return limits
    }

    public init(engine: RuleEngine, actions: ActionQueue?, stateFile: WatchStateFile?, emit: @escaping @Sendable (String) -> Void) {
        model = TopicModel(limits: Self.modelLimits, brokers: engine.brokers.count > 1 ? engine.brokers : [])
        self.engine = engine
        self.actions = actions
        self.stateFile = stateFile
        self.emit = emit
        ruleIndex = Dictionary(engine.rules.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        brokerIndex = Dictionary(engine.brokers.enumerated().map { ($1, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// Takes up the saved state: what fired fires on, silences hold. A file that is not a
    /// watch's state is moved aside (nothing is lost) and the watch starts afresh; returns what
    /// to say about it.
    /// - Throws: when the state file cannot be locked or read (nothing is moved then).
    public func restore(now: Double) throws -> String? {
        guard let stateFile else { return nil }
        do {
            guard let state = try stateFile.load() else { return nil }
            engine.restore(state, now: now)
            actions?.remember(state.actions)
            savedSilences = state.silences
            return nil
        } catch let broken as WatchStateFile.Broken {
            let aside = stateFile.path + ".broken"
            try? FileManager.default.removeItem(atPath: aside)
            try? FileManager.default.moveItem(atPath: stateFile.path, toPath: aside)
            return "\(broken); moved to \(aside), starting afresh"
        }
    }

    /// Topics a store remembers (each one's newest messages, oldest first) for `broker`.
    public func seed(_ topics: [[MQTTMessage]], broker: Int, now: Double) {
        for messages in topics {
            var node: NodeID?
            for message in messages { node = model.ingest(message, broker: broker) }
            if let node { handle(engine.observe(node, in: model, now: now)) }
        }
    }

    /// A batch of a broker's session.
    public func take(_ batch: some Sequence<MQTTEvent> & Sendable, broker: Int) {
        let now = Date().timeIntervalSince1970
        for event in batch {
            switch event {
            case let .message(message):
                let node = model.ingest(message, broker: broker)
                handle(engine.observe(node, in: model, now: message.receivedAt.timeIntervalSince1970))
            case let .connectionState(state):
                model.follow(event, at: now, broker: broker)
                handle(engine.follow(state, broker: broker, in: model, now: now))
            case .resubscribing, .subscriptionsRestored:
                model.follow(event, at: now, broker: broker)
            case .messagesDropped:
                break
            }
        }
    }

    /// A broker could not be reached (before or between its sessions).
    public func brokerFailed(_ broker: Int, reason: String) {
        let now = Date().timeIntervalSince1970
        model.connectionLost(at: now, broker: broker)
        handle(engine.brokerDown(broker, reason: reason, now: now))
    }

    /// Brings time up to `now`: silences and reminders due, a reconnect's burst settled, the
    /// dashboard's silences taken up, and the state saved (at most once a second).
    public func tick(now: Double) {
        handle(engine.tick(&model, now: now).events)
        if now - lastSave >= 1 { save(now: now) }
    }

    /// When the next tick has work (wall time), if any is known.
    public var nextDeadline: Double? {
        [engine.nextDeadline, model.nextDeadline].compactMap { $0 }.min()
    }

    /// Saves the state if it changed, taking up silences others wrote first.
    public func save(now: Double) {
        guard let stateFile else { return }
        let results = actions?.results ?? (actions: [:], version: 0)
        do {
            if !unsaved, results.version == savedResults, let others = try stateFile.changedByOthers() {
                takeUp(others.silences, now: now)
                return
            }
            guard unsaved || results.version != savedResults else { return }
            try stateFile.save { others in
                if let others { takeUp(others, now: now) }
                var state = engine.state(now: now)
                state.actions = results.actions
                savedSilences = state.silences
                return state
            }
            unsaved = false
            savedResults = results.version
            lastSave = now
        } catch {
            Diagnostics.warn("\(error)")
            lastSave = now
        }
    }

    /// What fires now, with each rule's severity, and how many topics the rules watch.
    public func report(now: Double) -> (firing: [(alert: WatchState.FiringAlert, severity: Severity)], topics: Int) {
        let firing = engine.state(now: now).firing.map { alert in
            (alert: alert, severity: ruleIndex[alert.rule].map { engine.rules[$0].severity } ?? .warning)
        }
        return (firing, model.topicCount)
    }

    /// Retained messages from `broker` that answered its subscription (a collection settles
    /// when they stop coming).
    public func retainedAnswers(ofBroker broker: Int) -> Int { model.retainedAnswers(ofBroker: broker) }

    /// Takes up the silences another program (the dashboard) wrote, rule by rule: those it
    /// changed since this watch last saved; a silence the engine ended meanwhile (its rule
    /// resolved) stays ended. Says what changed.
    private func takeUp(_ silences: [WatchState.SavedSilence], now: Double) {
        let theirs = Silence.byRule(silences, now: now), saved = Silence.byRule(savedSilences, now: now)
        savedSilences = silences
        for rule in Set(theirs.keys).union(saved.keys).sorted() where theirs[rule] != saved[rule] && theirs[rule] != engine.silences[rule] {
            engine.silence(rule, theirs[rule])
            let said = switch theirs[rule] {
            case nil: "no longer silenced"
            case .untilResolved: "silenced until it resolves"
            case let .until(time): "silenced until \(WatchEventLine.timestamp(time))"
            }
            Diagnostics.warn("rule '\(rule)': \(said) (from the state file)")
        }
    }

    private func handle(_ events: [WatchEvent]) {
        guard !events.isEmpty else { return }
        unsaved = true
        for event in events {
            emit(WatchEventLine.line(event))
            guard event.runsActions, let actions, let rule = ruleIndex[event.rule], let broker = brokerIndex[event.broker] else { continue }
            actions.submit(ActionQueue.Job(rule: engine.rules[rule], event: event, broker: broker), now: event.time)
        }
    }
}
