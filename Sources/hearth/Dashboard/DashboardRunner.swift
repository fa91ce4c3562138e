import Dashboard
import Foundation
import HistoryStore
import Logging
import MQTT
import Terminal
import TopicModel

/// Connects, subscribes, and runs the dashboard until the user quits: shared by `hearth` and `hearth demo`.
struct DashboardRunner {
    let configuration: MQTTClientConfiguration
    let filters: [String]
    let qos: MQTTQoS
    let theme: Theme
    /// Quit once this many messages arrived (benchmarks, scripts).
    var exitAfter: Int?
    /// Called once the subscriptions are in, before the screen opens (the demo starts its home then).
    var onSubscribed: (@Sendable () async -> Void)?
    /// The history store to open on: a path, or nil for none (the demo).
    var store: String?
    /// Record into `store` while the screen is open (`--record`).
    var record = false

    func run() async throws {
        try TerminalSession.requireTerminal()
        // With --record the store is claimed (one writer per store) and created before the screen
        // opens, so a refusal is one line on a normal terminal.
        var claim: HistoryWriterLock?
        var writable: HistoryStore?
        if record, let store {
            claim = try HistoryWriterLock(path: store)
            writable = try HistoryStore(path: store)
        }
        let recorded = loadRecorded()
        var configuration = configuration
        // Under overload the client stops reading until ingest catches up: nothing is lost.
        configuration.overflow = .pauseReading
        // The header shows the connection; a log line on stderr would be drawn over the screen.
        configuration.logger = Logger(label: "hearth", factory: { _ in SwiftLogNoOpLogHandler() })
        let session = SubscribedSession(configuration: configuration, filters: filters, qos: qos, retainAsPublished: true)
        try await session.run { client, info in
            await onSubscribed?()
            try await show(client: client, info: info, configuration: configuration, recorded: recorded, recordInto: writable)
        }
        _ = consume claim
    }

    /// The history store and the topics it heard in the last 24 hours (their series are read
    /// as they come on screen). A store that cannot be read is one line, and the dashboard goes
    /// on without history.
    private func loadRecorded() -> Recorded? {
        guard let store, FileManager.default.fileExists(atPath: store) else { return nil }
        let since = Date().timeIntervalSince1970 - 86_400
        do {
            let opened = try HistoryStore(path: store, readOnly: true)
            return Recorded(store: opened, since: since, topics: try opened.latest(since: since))
        } catch {
            Diagnostics.warn("\(error); going on without history")
            return nil
        }
    }

    private struct Recorded {
        let store: HistoryStore
        let since: Double
        let topics: [RecordedHistory]
    }

    /// Runs the screen until the user quits.
    private func show(client: MQTTClient, info: MQTTConnectionInfo, configuration: MQTTClientConfiguration,
                      recorded: Recorded?, recordInto writable: HistoryStore?) async throws {
        let broker = "\(configuration.host):\(configuration.port)\(configuration.tls == nil ? "" : " TLS")"
        let model = SharedModel()
        let inbox = DashboardInbox()
        // The recorded past first: sparklines, the overview and the graph's windows show it on
        // the first frame, and live messages append to it.
        if let recorded { model.withModel { $0.seed(recorded.topics) } }
        let history = recorded.map { HistoryLoader(store: $0.store, since: $0.since, model: model, inbox: inbox) }
        let recording = writable.map { DashboardRecording(store: $0, recorded: recorded?.topics ?? [], inbox: inbox) }
        let ingest = Task { await model.ingest(client.events, broker: broker, inbox: inbox, recording: recording) }
        let stop = SignalFlag(), resized = SignalFlag()
        // Watched before ncurses starts, so it installs no handler of its own: a signal may land on
        // any thread, and only a wake-up reaches the UI thread wherever it sleeps.
        let signals = SignalWatcher.watch([SIGINT, SIGTERM, SIGHUP]) {
            stop.set()
            inbox.wakeup.signal()
        } + SignalWatcher.watch([SIGWINCH]) {
            resized.set()
            inbox.wakeup.signal()
        }
        defer { signals.forEach { $0.cancel() } }
        let status = ConnectionStatus(broker: broker, phase: .connected, version: info.version.description)
        let runner = ActionRunner(client: client, inbox: inbox)
        let limit = exitAfter
        let theme = theme
        let failure: (any Error)? = await withCheckedContinuation { continuation in
            // ncurses lives on this one thread for the whole session.
            let thread = Thread {
                do {
                    let session = try TerminalSession(theme: theme)
                    let loop = DashboardLoop(session: session, connection: status, model: model, inbox: inbox, actions: runner,
                                             history: history, stop: stop, resized: resized)
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
        // The ingest task ends with the events, when the client disconnects.
        await client.disconnect()
        _ = await ingest.value
        if let lost = recording?.finish(), lost > 0 {
            Diagnostics.warn("\(lost) message(s) could not be written to the history store and were dropped")
        }
        if let failure { throw failure }
    }
}
