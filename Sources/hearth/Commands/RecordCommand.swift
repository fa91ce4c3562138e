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

    @Option(name: .customLong("store"), help: "The history file (default $XDG_STATE_HOME/hearth/<host>-<port>.sqlite).")
    var store: String?

    @Option(name: .customLong("keep"), help: "How long raw messages and points are kept: 90m, 24h, 7d (default 7d; per-minute aggregates 400 days).", transform: TimeSpan.parse)
    var keep: TimeSpan = TimeSpan(seconds: 7 * 86_400)

    @Option(name: [.customShort("C"), .customLong("count")], help: ArgumentHelp("Stop after recording this many messages (benchmarks).", visibility: .hidden))
    var count: Int?

    @Option(name: .customLong("max-size"), help: "MiB the store may use before the oldest messages go, whatever their age (default 1024).")
    var maximumMiB: Int = 1024

    func validate() throws {
        for filter in topics {
            if let problem = MQTTTopic.filterProblem(filter) { throw ValidationError("invalid topic filter '\(filter)': \(problem)") }
        }
    }

    func run() async throws {
        var configuration = try connection.makeConfiguration(reconnect: MQTTReconnectPolicy())
        configuration.cleanStart = false
        configuration.sessionExpiry = sessionExpiry
        if connection.id == nil { configuration.clientID = "hearth-record-\(ProcessInfo.processInfo.hostName)" }
        let path = store ?? HistoryStore.defaultPath(host: configuration.host, port: configuration.port)
        // A file size limit (ulimit -f) turns into a write error the recorder reports and retries,
        // not a SIGXFSZ that kills it.
        signal(SIGXFSZ, SIG_IGN)
        // One writer per store: a second recorder (or a dashboard recording) on the same file is
        // refused; readers are fine. Claimed for as long as the recorder runs.
        let claim = try HistoryWriterLock(path: path)
        let history = try HistoryStore(path: path)
        let retention = Retention(raw: keep.seconds, maximumBytes: max(1, maximumMiB) << 20)
        // Kept in the store, so a dashboard recording into it (`hearth --record`) prunes alike.
        try history.save(retention)
        let known = try history.latest(since: Date().timeIntervalSince1970 - retention.raw).map(\.last)
        let pipeline = RecordingPipeline(store: history, retention: retention, known: known, clock: ContinuousClock()) { change in
            if change.isFailure { Diagnostics.error("\(change)") } else { Diagnostics.warn("\(change)") }
        }
        let filters = topics.isEmpty ? try connection.defaultFilters() : topics
        Diagnostics.warn("recording \(filters.joined(separator: " ")) from \(configuration.host):\(configuration.port) into \(path)")
        let stop = Doorbell.latching()
        let signals = Task {
            await StopSignal.wait()
            stop.ring()
        }
        defer { signals.cancel() }
        // Retained values come once, with a new subscription: a resumed session (a restart, a
        // reconnect) does not deliver them again (MQTT 5). Those a broker does resend (a new
        // session, MQTT 3.1.1) the pipeline leaves out when they did not change (RetainedEcho).
        let session = Session(configuration: configuration, filters: filters, qos: qos, retainAsPublished: true,
                              retainHandling: .sendIfNew)
        let started = ContinuousClock.now
        let summary = try await Recorder(session: session, pipeline: pipeline, limit: count, stop: stop).run()
        _ = consume claim
        // One line to end on: what was recorded, over how long, where.
        let took = TimeSpan(seconds: (ContinuousClock.now - started) / .seconds(1))
        Diagnostics.warn("recorded \(summary.recorded) message\(summary.recorded == 1 ? "" : "s") in \(took) into \(path)")
        if summary.lost > 0 { throw Recorder.Lost(count: summary.lost) }
    }
}
