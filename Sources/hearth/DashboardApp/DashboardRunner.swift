import Dashboard
import HearthKit
import Foundation
import HistoryStore
import Logging
import MQTT
import Terminal
import TopicModel
import Watch

/// Connects, subscribes, and runs the dashboard until the user quits: shared by `hearth` and `hearth demo`.
struct DashboardRunner {
    /// One broker on screen: its name (its profile's, or host:port), how to reach it, and what
    /// to subscribe to.
    struct Broker {
        let name: String
        let configuration: MQTTClientConfiguration
        let filters: [String]
    }

    /// One broker, or several: the tree's first level is then one row per broker.
    let brokers: [Broker]
    let qos: MQTTQoS
    let theme: Theme
    /// Quit once this many messages arrived (benchmarks, scripts).
    var exitAfter: Int?
    /// Called once the subscriptions are in, before the screen opens (the demo starts its home then).
    var onSubscribed: (@Sendable () async -> Void)?
    /// The history store to open on, or nil for none (the demo).
    var store: BrokerStore?
    /// Record into `store` while the screen is open (`--record`).
    var record = false
    /// The rules to evaluate on screen, if config.toml has any for these brokers.
    var rules: Rules?

    /// The rules' engine (with what `hearth watch` saved taken up) and its state file.
    struct Rules: Sendable {
        let engine: RuleEngine
        let stateFile: WatchStateFile
    }

    func run() async throws {
        try TerminalSession.requireTerminal()
        guard brokers.count == 1 else { return try await runSeveral() }
        let filters = brokers[0].filters
        // With --record the store is claimed (one writer per store) and created before the screen
        // opens, so a refusal is one line on a normal terminal.
        let inbox = try DashboardInbox()
        var claim: HistoryWriterLock?
        var writable: (any HistoryStorage)?
        if record, let store {
            claim = try store.address.claimWriter()
            let opened = try await store.open(readOnly: false)
            do {
                try await opened.claim(broker: store.broker)
            } catch {
                await opened.close()
                throw error
            }
            writable = opened
        }
        let recorded = await loadRecorded()
        var configuration = brokers[0].configuration
        // Under overload the client stops reading until ingest catches up: nothing is lost.
        configuration.overflow = .pauseReading
        // The header shows the connection; a log line on stderr would be drawn over the screen.
        configuration.logger = Logger(label: "hearth", factory: { _ in SwiftLogNoOpLogHandler() })
        let session = Session(configuration: configuration, filters: filters, qos: qos, retainAsPublished: true)
        var recording: RecordingPipeline<ContinuousClock>?
        if let writable, let store {
            // The retention `hearth record` saved in the store, or the default.
            recording = RecordingPipeline(store: writable, broker: store.broker, retention: (try? await writable.savedRetention()) ?? Retention(),
                                          known: recorded?.topics.map(\.last) ?? [], clock: ContinuousClock()) { change in
                inbox.post(.note("\(change)", isError: change.isFailure))
            }
        }
        let screen = { (client: MQTTClient, info: MQTTConnectionInfo) in
            await onSubscribed?()
            try await show(client: client, info: info, configuration: configuration, recorded: recorded, recording: recording, inbox: inbox)
        }
        // The stores are closed however the dashboard ends (a database's open minutes are written then).
        do {
            if let recording {
                // Said however the dashboard ends, before its error if it failed.
                defer {
                    let lost = recording.lostCount
                    if lost > 0 { Diagnostics.warn("\(lost) message(s) could not be written to the history store and were dropped") }
                }
                _ = try await recording.run { try await session.run(screen) }
            } else {
                try await session.run(screen)
            }
        } catch {
            await writable?.close()
            await recorded?.store.close()
            throw error
        }
        await writable?.close()
        await recorded?.store.close()
        _ = claim
    }

    /// The history store and the topics it heard in the last 24 hours (their series are read
    /// as they come on screen). A store that cannot be read is one line, and the dashboard goes
    /// on without history.
    private func loadRecorded() async -> Recorded? {
        guard let store, store.address.mayExist else { return nil }
        let since = Date().timeIntervalSince1970 - 86_400
        do {
            let opened = try await store.open(readOnly: true)
            do {
                let broker = try await store.brokerToRead(in: opened, named: nil)
                return Recorded(store: opened, broker: broker, since: since, topics: try await opened.latest(broker: broker, since: since))
            } catch {
                await opened.close()
                throw error
            }
        } catch {
            Diagnostics.warn("\(error); going on without history")
            return nil
        }
    }

    private struct Recorded {
        let store: any HistoryStorage
        let broker: String
        let since: Double
        let topics: [RecordedHistory]
    }

    /// Runs the screen until the user quits.
    private func show(client: MQTTClient, info: MQTTConnectionInfo, configuration: MQTTClientConfiguration,
                      recorded: Recorded?, recording: RecordingPipeline<ContinuousClock>?, inbox: DashboardInbox) async throws {
        let broker = "\(configuration.host):\(configuration.port)\(configuration.tls == nil ? "" : " TLS")"
        let model = SharedModel(TopicModel(), rules: rules?.engine)
        // Each recorded topic's newest message first; its series are read as it comes on screen,
        // and live messages append to them.
        if let recorded { model.seed(recorded.topics, now: Date().timeIntervalSince1970) }
        let history = recorded.map { recorded in
            HistoryLoader(store: recorded.store, broker: recorded.broker, since: recorded.since, model: model) { failure in
                if let failure { inbox.post(.historyFailed(failure)) } else { inbox.postPastRead() }
            }
        }
        let ingest = Task {
            await model.feed(client.events.batches, recording: recording) { news in
                if case let .connection(state, now, downSince) = news {
                    inbox.post(.connection(Self.status(state, broker: broker, now: now, downSince: downSince)))
                }
                inbox.wakeup.signal()
            }
        }
        let status = ConnectionStatus(broker: broker, phase: .connected, version: info.version.description)
        let clients = BrokerClients()
        _ = clients.adopt(client, broker: 0)
        let failure = await present(model: model, inbox: inbox, actions: ActionRunner(clients: clients, inbox: inbox), history: history,
                                    connection: status)
        // The ingest task ends with the events, when the client disconnects.
        await client.disconnect()
        _ = await ingest.value
        if let failure { throw failure }
    }

    /// Several brokers: each connects and feeds the one model as its own first-level branch;
    /// the screen opens as soon as one has connected (a broker still trying is its row), and not
    /// at all when every one failed. History is one broker's, so it stays closed.
    private func runSeveral() async throws {
        let names = brokers.map(\.name)
        let model = SharedModel(TopicModel(brokers: names), rules: rules?.engine)
        let inbox = try DashboardInbox()
        let links = BrokerLinks(names: names)
        let clients = BrokerClients()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for (index, broker) in brokers.enumerated() {
                group.addTask {
                    await keepConnected(index, broker, model: model, links: links, clients: clients, inbox: inbox)
                }
            }
            if let failures = await links.firstConnection() {
                group.cancelAll()
                await clients.closeAll()
                throw EveryBrokerFailed(lines: zip(names, failures).map { "\($0): \($1)" })
            }
            await onSubscribed?()
            let failure = await present(model: model, inbox: inbox, actions: ActionRunner(clients: clients, inbox: inbox), history: nil,
                                        connection: ConnectionStatus(broker: "", phase: .connected), links: links.statuses)
            group.cancelAll()
            await clients.closeAll()
            try await group.waitForAll()
            if let failure { throw failure }
        }
    }

    /// Opens the screen on its own thread and runs it until the user quits; returns what
    /// stopped it early, if anything.
    private func present(model: SharedModel, inbox: DashboardInbox, actions: ActionRunner, history: HistoryLoader?,
                         connection: ConnectionStatus, links: [ConnectionStatus] = []) async -> (any Error)? {
        // Watched before ncurses starts, so it installs no handler of its own: a signal may land on
        // any thread, and only a wake-up reaches the UI thread wherever it sleeps.
        let stop = SignalFlag(), resized = SignalFlag()
        let signals = SignalWatcher.watch([SIGINT, SIGTERM, SIGHUP]) {
            stop.set()
            inbox.wakeup.signal()
        } + SignalWatcher.watch([SIGWINCH]) {
            resized.set()
            inbox.wakeup.signal()
        }
        defer { signals.forEach { $0.cancel() } }
        let limit = exitAfter
        let theme = theme
        return await withCheckedContinuation { continuation in
            // ncurses lives on this one thread for the whole session.
            let thread = Thread {
                do {
                    let session = try TerminalSession(theme: theme)
                    let loop = DashboardLoop(session: session, connection: connection, links: links, model: model, inbox: inbox,
                                             actions: actions, history: history, rules: rules, stop: stop, resized: resized)
                    loop.messageLimit = limit
                    loop.run()
                    session.close()
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: error)
                }
            }
            thread.name = "hearth-ui"
            thread.start()
        }
    }

    /// The header's connection line for a state the feed reported.
    static func status(_ state: MQTTConnectionState, broker: String, now: Double, downSince: Double?) -> ConnectionStatus {
        switch state {
        case .idle, .connecting: return ConnectionStatus(broker: broker, phase: .connecting, downSince: downSince)
        case let .connected(info): return ConnectionStatus(broker: broker, phase: .connected, version: info.version.description)
        case let .reconnecting(delay, _, lastError):
            return ConnectionStatus(broker: broker, phase: .reconnecting(retryAt: now + delay / .seconds(1), lastError: "\(lastError)"),
                                    downSince: downSince)
        case let .closed(error):
            return ConnectionStatus(broker: broker, phase: .failed(error.map { "\($0)" } ?? "closed"), downSince: downSince)
        }
    }
}
