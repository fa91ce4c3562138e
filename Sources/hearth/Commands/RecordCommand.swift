import ArgumentParser
import HearthKit
import Foundation
import HistoryStore
import MQTT

/// `hearth record`: subscribe on a persistent session and keep everything in the history store.
struct RecordCommand: AsyncParsableCommand, ConnectingCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record every message into the history store until stopped (SIGTERM commits and exits).",
        discussion: """
            It subscribes with QoS 1 on a persistent session (client id hearth-record-<hostname>, MQTT 5 session
            expiry one day), so the broker queues what arrives while it reconnects or restarts. It reconnects for
            ever, and logs one line per connection change on stderr.
            Examples:
              hearth record                                  # everything, into ~/.local/state/hearth/localhost-1883.sqlite
              hearth record -h broker.lan -t 'home/#' --store /var/lib/hearth/home.sqlite
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("t"), .customLong("topic")], help: "Topic filter to record (repeatable; default #).")
    var topics: [String] = []

    @Option(name: [.customShort("q"), .long], help: "QoS of the subscriptions (default 1: nothing lost while away).")
    var qos: MQTTQoS = .atLeastOnce

    @Option(name: [.customShort("x"), .customLong("session-expiry")], help: "MQTT 5: seconds the broker keeps the session while the recorder is away.")
    var sessionExpiry: UInt32 = 86_400

    @Option(name: .customLong("store"), help: "The history store: a file, or postgres://user@host/dbname (default: the profile's store, else $XDG_STATE_HOME/hearth/<host>-<port>.sqlite).")
    var store: String?

    @Option(name: .customLong("keep"), help: "How long raw messages and points are kept: 90m, 24h, 7d (default: what the store saved, else 7d; per-minute aggregates 400 days).", transform: TimeSpan.parse)
    var keep: TimeSpan?

    @Option(name: [.customShort("C"), .customLong("count")], help: ArgumentHelp("Stop after recording this many messages (benchmarks).", visibility: .hidden))
    var count: Int?

    @Option(name: .customLong("max-size"), help: "MiB the store may use before the oldest messages go, whatever their age (default: what the store saved, else 1024 for a file and no cap for a database, whose days hold every broker's past).")
    var maximumMiB: Int?

    func validate() throws {
        for filter in topics {
            if let problem = MQTTTopic.filterProblem(filter) { throw ValidationError("invalid topic filter '\(filter)': \(problem)") }
        }
    }

    func run() async throws {
        let named = try connection.brokers()
        // A file size limit (ulimit -f) turns into a write error the recorder reports and retries,
        // not a SIGXFSZ that kills it.
        signal(SIGXFSZ, SIG_IGN)
        var recorders: [(name: String, recorder: Recorder, store: String)] = []
        // Each store opened once: brokers recording into one file share its one writer (and
        // its claim); a database gets a connection per broker, so their batches go side by side.
        var files: [String: any HistoryStorage] = [:]
        var claims: [HistoryWriterLock] = []
        var opened: [any HistoryStorage] = []
        var starting: [String] = []
        let stop = Doorbell.latching()
        let summaries: [Recorder.Summary]
        let started = ContinuousClock.now
        // Every store opened is closed however the recording ends (a database's open minutes
        // are written then).
        do {
            for broker in named {
                let options = broker.options
                var configuration = try options.makeConfiguration(reconnect: MQTTReconnectPolicy())
                configuration.cleanStart = false
                configuration.sessionExpiry = sessionExpiry
                if options.id == nil { configuration.clientID = "hearth-record-\(ProcessInfo.processInfo.hostName)" }
                let place = try options.store(flag: store)
                let history: any HistoryStorage
                if case let .file(path) = place.address, let shared = files[path] {
                    history = shared
                } else {
                    // One writer per file: a second recorder (or a dashboard recording) on it is
                    // refused; readers are fine. Claimed for as long as the recorder runs.
                    if let claim = try place.address.claimWriter() { claims.append(claim) }
                    history = try await place.open(readOnly: false)
                    opened.append(history)
                    if case let .file(path) = place.address { files[path] = history }
                }
                let retention = try await retention(of: history, isDatabase: place.address.isDatabase)
                try await history.claim(broker: place.broker)
                let prefix = named.count > 1 ? "\(broker.name): " : ""
                let known = try await history.latest(broker: place.broker, since: Date().timeIntervalSince1970 - retention.raw).map(\.last)
                let pipeline = RecordingPipeline(store: history, broker: place.broker, retention: retention, known: known, clock: ContinuousClock()) { change in
                    if change.isFailure { Diagnostics.error(prefix + "\(change)") } else { Diagnostics.warn(prefix + "\(change)") }
                }
                let filters = topics.isEmpty ? try options.defaultFilters() : topics
                starting.append("recording \(filters.joined(separator: " ")) from \(configuration.host):\(configuration.port) into \(place.address)"
                                + " as \(place.broker)")
                // Retained values come once, with a new subscription: a resumed session (a restart, a
                // reconnect) does not deliver them again (MQTT 5). Those a broker does resend (a new
                // session, MQTT 3.1.1) the pipeline leaves out when they did not change (RetainedEcho).
                let session = Session(configuration: configuration, filters: filters, qos: qos, retainAsPublished: true,
                                       retainHandling: .sendIfNew)
                recorders.append((broker.name, Recorder(session: session, pipeline: pipeline, limit: count, stop: stop,
                                                        warn: { Diagnostics.warn(prefix + $0) }), "\(place.address)"))
            }
            // Said once every broker's store is claimed: a refusal of one starts none.
            for line in starting { Diagnostics.warn(line) }
            summaries = try await run(recorders.map(\.recorder), stop: stop)
        } catch {
            for store in opened { await store.close() }
            throw error
        }
        for store in opened { await store.close() }
        claims.removeAll()
        // One line per broker to end on: what was recorded, over how long, where.
        let took = TimeSpan(seconds: (ContinuousClock.now - started) / .seconds(1))
        for (entry, summary) in zip(recorders, summaries) {
            Diagnostics.warn((recorders.count > 1 ? "\(entry.name): " : "")
                             + "recorded \(summary.recorded) message\(summary.recorded == 1 ? "" : "s") in \(took) into \(entry.store)")
        }
        let lost = summaries.reduce(0) { $0 + $1.lost }
        if lost > 0 { throw Recorder.Lost(count: lost) }
    }

    /// The store's retention with `--keep` and `--max-size` applied, saved when they change it,
    /// so the store's other writers (`hearth --record`, another site's recorder) prune alike.
    private func retention(of store: any HistoryStorage, isDatabase: Bool) async throws -> Retention {
        let saved = try await store.savedRetention()
        var retention = saved ?? Retention(maximumBytes: isDatabase ? Retention.noSizeCap : Retention().maximumBytes)
        if let keep { retention.raw = keep.seconds }
        if let maximumMiB { retention.maximumBytes = max(1, maximumMiB) << 20 }
        if retention != saved { try await store.save(retention) }
        return retention
    }

    /// Runs the recorders side by side until `stop` rings (SIGTERM, SIGINT, or `--count`).
    private func run(_ recorders: [Recorder], stop: Doorbell) async throws -> [Recorder.Summary] {
        let signals = Task {
            await StopSignal.wait()
            stop.ring()
        }
        defer { signals.cancel() }
        return try await withThrowingTaskGroup(of: (Int, Recorder.Summary).self) { group in
            for (index, recorder) in recorders.enumerated() {
                group.addTask { (index, try await recorder.run()) }
            }
            var summaries = [Recorder.Summary?](repeating: nil, count: recorders.count)
            for try await (index, summary) in group { summaries[index] = summary }
            return summaries.compactMap { $0 }
        }
    }
}
