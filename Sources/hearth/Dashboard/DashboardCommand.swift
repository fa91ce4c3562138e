import ArgumentParser
import Dashboard
import Foundation
import MQTT
import Terminal

/// `hearth` with no subcommand: the live dashboard.
struct DashboardCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dashboard",
        abstract: "The live dashboard: topic tree, sparklines, retained values, publishing (the default).",
        discussion: """
            Examples:
              hearth                                  # localhost:1883, everything (#)
              hearth -h broker.lan -u me --password-file ~/.mqtt-password
              hearth -t 'home/#' --theme solarized-dark
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("t"), .customLong("topic")], help: "Topic filter to subscribe to (repeatable; default #).")
    var topics: [String] = []

    @Option(name: [.customShort("q"), .long], help: "QoS of the subscriptions: 0, 1 or 2.")
    var qos: Int = 0

    @Flag(name: .customLong("sys"), help: "Also subscribe to $SYS/# (broker statistics).")
    var sys = false

    @Option(name: .long, help: "Theme: a name (\(ThemeCatalog.bundledNames.joined(separator: ", "))) or a path to a TOML file.")
    var theme: String?

    @Option(name: .customLong("exit-after"), help: ArgumentHelp("Quit after this many messages (benchmarks and scripts).", visibility: .hidden))
    var exitAfter: Int?

    func validate() throws {
        guard (0...2).contains(qos) else { throw ValidationError("-q must be 0, 1 or 2") }
        for filter in topics {
            if let problem = MQTTTopic.filterProblem(filter) { throw ValidationError("invalid topic filter '\(filter)': \(problem)") }
        }
    }

    func run() async throws {
        // Everything that can fail with a one-line error happens before the terminal is taken over.
        let theme = try ThemeCatalog.theme(named: theme)
        // Under overload the client stops reading until ingest catches up: nothing is lost in between.
        let configuration = try connection.makeConfiguration(reconnect: MQTTReconnectPolicy())
        let client = MQTTClient(configuration: configuration)
        let info = try await client.connect()
        var filters = topics.isEmpty ? [try connection.urlTopic() ?? "#"] : topics
        if sys { filters.append("$SYS/#") }
        let codes = try await client.subscribe(filters.map {
            MQTTSubscription($0, qos: MQTTQoS(rawValue: UInt8(qos)) ?? .atMostOnce, retainAsPublished: info.version == .v5)
        })
        if let refused = zip(filters, codes).first(where: { !$0.1.isSuccess }) {
            await client.disconnect()
            throw MQTTClientError.subscriptionRefused(filter: refused.0, refused.1)
        }

        let broker = "\(configuration.host):\(configuration.port)\(configuration.tls == nil ? "" : " TLS")"
        let model = SharedModel()
        let inbox = DashboardInbox()
        let ingest = Task { await model.ingest(client.events, broker: broker, inbox: inbox) }
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
        let outcome: Result<Int, any Error> = await withCheckedContinuation { continuation in
            // ncurses lives on this one thread for the whole session.
            let thread = Thread {
                do {
                    let session = try TerminalSession(theme: theme)
                    let loop = DashboardLoop(session: session, connection: status, model: model, inbox: inbox, actions: runner,
                                             stop: stop, resized: resized)
                    loop.messageLimit = limit
                    loop.run()
                    session.close()
                    continuation.resume(returning: .success(loop.droppedMessages))
                } catch {
                    continuation.resume(returning: .failure(error))
                }
            }
            thread.name = "hearth-ui"
            thread.start()
        }
        await client.disconnect()
        _ = await ingest.value
        let dropped = try outcome.get()
        if dropped > 0 { Diagnostics.warn("\(dropped) message(s) dropped: the dashboard fell behind the broker") }
    }
}

/// Runs a handler for signals instead of their default action (which would leave the terminal raw).
enum SignalWatcher {
    static func watch(_ numbers: [Int32], handler: @escaping @Sendable () -> Void) -> [any DispatchSourceSignal] {
        numbers.map { number in
            signal(number, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler(handler: handler)
            source.resume()
            return source
        }
    }
}
