import ArgumentParser
import HearthKit
import Dashboard
import Foundation
import HistoryStore
import MQTT

/// `hearth` with no subcommand: the live dashboard.
struct DashboardCommand: AsyncParsableCommand, ConnectingCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The live dashboard: topic tree, sparklines, retained values, publishing (the default).",
        discussion: """
            Examples:
              hearth                                  # localhost:1883, everything (#)
              hearth -h broker.lan -u me --password-file ~/.mqtt-password
              hearth -t 'home/#' --theme solarized-dark
              hearth --record                         # also record, as hearth record does
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var session: SessionOptions

    @Option(name: [.customShort("t"), .customLong("topic")], help: "Topic filter to subscribe to (repeatable; default #).")
    var topics: [String] = []

    @Option(name: [.customShort("q"), .long], help: "QoS of the subscriptions: 0, 1 or 2.")
    var qos: MQTTQoS = .atMostOnce

    @Flag(name: .customLong("sys"), help: "Also subscribe to $SYS/# (broker statistics).")
    var sys = false

    @Option(name: .long, help: "Theme: a name (\(ThemeCatalog.bundledNames.joined(separator: ", "))) or a path to a TOML file.",
            completion: .custom { _, _, _ in ThemeCatalog.installedNames() })
    var theme: String?

    @Option(name: .customLong("exit-after"), help: ArgumentHelp("Quit after this many messages (benchmarks and scripts).", visibility: .hidden))
    var exitAfter: Int?

    func validate() throws {
        for filter in topics {
            if let problem = MQTTTopic.filterProblem(filter) { throw ValidationError("invalid topic filter '\(filter)': \(problem)") }
        }
        try session.validate(clientID: connection.id)
    }

    @Option(name: .customLong("store"), help: "The history store to open on: a file, or postgres://user@host/dbname (default: the profile's store, else the file `hearth record` writes for this broker, when it exists).")
    var store: String?

    @Flag(name: .customLong("record"), help: "Record into the store while the dashboard is open, as `hearth record` does (refused while another hearth records into it).")
    var record = false

    func run() async throws {
        // Everything that can fail with a one-line error happens before the terminal is taken over.
        let named = try connection.brokers()
        let theme = try ThemeCatalog.theme(named: theme ?? connection.address.namedProfile()?.theme ?? named.first?.options.address.profile()?.theme)
        let brokers = try named.map { broker in
            var filters = topics.isEmpty ? try broker.options.defaultFilters() : topics
            if sys { filters.append("$SYS/#") }
            return DashboardRunner.Broker(name: broker.name,
                                          configuration: try broker.options.makeConfiguration(reconnect: MQTTReconnectPolicy(), session: session),
                                          filters: filters)
        }
        if brokers.count > 1 {
            // History and recording are one broker's store (`--record` with several: `hearth record` per broker).
            if record || store != nil { throw ValidationError("--store and --record take one broker; several are on screen") }
            if session.keepSession, connection.id != nil { throw ValidationError("-c with -i takes one broker: a client id is one session") }
        }
        let watched = try WatchedBrokers(connection: connection, requireRules: false)
        var rules: DashboardRunner.Rules?
        if !watched.rules.isEmpty {
            let stateFile = WatchStateFile(path: WatchStateFile.path(name: watched.stateName))
            var engine = watched.engine()
            if let problem = DashboardRules.restore(&engine, from: stateFile, now: Date().timeIntervalSince1970) { Diagnostics.warn(problem) }
            rules = DashboardRunner.Rules(engine: engine, stateFile: stateFile)
        }
        // Recording, a file size limit (ulimit -f) is a write error on the status line, not a
        // SIGXFSZ that kills the dashboard.
        if record { signal(SIGXFSZ, SIG_IGN) }
        try await DashboardRunner(
            brokers: brokers, qos: qos, theme: theme, exitAfter: exitAfter, onSubscribed: nil,
            store: brokers.count > 1 ? nil : named[0].options.store(flag: store), record: record, rules: rules
        ).run()
    }
}
