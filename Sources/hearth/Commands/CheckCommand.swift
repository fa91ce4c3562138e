import ArgumentParser
import Foundation
import HearthKit
import MQTT
import TextFormat
import Watch

/// `hearth check`: the rules evaluated once, as a Nagios/Icinga plugin says it.
struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Evaluate the rules once, print one line and exit 0 OK, 1 WARNING, 2 CRITICAL or 3 UNKNOWN (a Nagios/Icinga plugin).",
        discussion: """
            It reads what the history store remembers of the rules' topics,
            collects the broker's retained answer (or -W seconds of live traffic),
            and evaluates each rule once: the worst firing rule's severity is the
            exit status, and an unreachable broker is UNKNOWN. Perfdata follows the
            bar. Rules that need time (stale, silent) need the store's past or -W;
            changed never fires in one look.
            Examples:
              hearth check -b home
              hearth check -b home --rule 'freezer quiet' -W 30
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .customLong("rule"), help: "Evaluate only this rule (repeatable; default every rule for the broker).")
    var rules: [String] = []

    @Option(name: [.customShort("W"), .customLong("timeout")], help: "Collect live messages for this many seconds (default: until the retained answer settles).")
    var seconds: Double?

    @Option(name: .customLong("store"), help: "The history file to start from (default the broker's $XDG_STATE_HOME/hearth/<host>-<port>.sqlite).")
    var store: String?

    /// The plugin's states, by exit status.
    enum Status: Int32 {
        case ok = 0, warning, critical, unknown

        var word: String { ["OK", "WARNING", "CRITICAL", "UNKNOWN"][Int(rawValue)] }
    }

    func validate() throws {
        if let seconds, !(seconds > 0 && seconds <= 86_400) { throw ValidationError("-W must be a number of seconds above 0, at most a day") }
    }

    func run() async throws {
        let (status, line) = await evaluate()
        // Topics and values come from the broker: no control byte reaches the monitoring system.
        print("HEARTH \(status.word) - " + TerminalEscaping.escaped(Array(line.utf8), keepNewlines: false))
        if status != .ok { throw ExitCode(status.rawValue) }
    }

    /// The status and what follows it; anything wrong before the rules could be read is UNKNOWN.
    private func evaluate() async -> (Status, String) {
        do {
            let watched = try WatchedBrokers(connection: connection, only: rules)
            let sessions = try watched.sessions(reconnect: MQTTReconnectPolicy(enabled: false))
            let watcher = Watcher(engine: watched.engine(), actions: nil, stateFile: nil) { _ in }
            // Quietly: a monitoring system shows the plugin's stderr with its line.
            let hadPast = try await watched.seed(watcher, store: store, quiet: true)
            var unreachable: [String] = []
            for (index, session) in sessions.enumerated() {
                do {
                    if let failure = try await session.run({ client, info in await collect(client, info, broker: index, into: watcher) }) {
                        unreachable.append("\(watched.names[index]): \(failure)")
                    }
                } catch {
                    // The error alone: a terminal user's hint ("try hearth demo") reads oddly in a monitoring system.
                    unreachable.append("\(watched.names[index]): \(error)")
                }
            }
            let now = Date().timeIntervalSince1970
            await watcher.tick(now: now)
            let report = await watcher.report(now: now)
            let perfdata = "firing=\(report.firing.count) critical=\(report.firing.count { $0.severity == .critical })"
                + " warning=\(report.firing.count { $0.severity == .warning }) rules=\(watched.rules.count) topics=\(report.topics)"
            if !unreachable.isEmpty { return (.unknown, "cannot reach " + unreachable.joined(separator: "; ") + " | " + perfdata) }
            let worst = report.firing.map(\.severity).max()
            let said = report.firing.sorted { ($0.severity, $1.alert.since) > ($1.severity, $0.alert.since) }.map { firing in
                "\(firing.alert.rule): " + (watched.brokers.count > 1 ? "\(firing.alert.broker) " : "") + firing.alert.topic
                    + (firing.alert.value.map { " \($0)" } ?? "")
            }
            // Without the past or -W, a silence cannot be known: said, not called clear.
            let blind = hadPast || seconds != nil ? 0 : watched.rules.count { $0.condition.isSilence }
            let clear = watched.rules.count - blind
            var summary = said.isEmpty ? "\(clear) rule\(clear == 1 ? "" : "s") clear over \(report.topics) topic\(report.topics == 1 ? "" : "s")"
                : said.joined(separator: "; ")
            if blind > 0 { summary += "; \(blind) not evaluated (stale and silent need the store's past or -W)" }
            let status: Status = worst == .critical ? .critical : worst == .warning ? .warning : .ok
            // A bar in a topic or value would start the perfdata early.
            return (status, summary.replacingOccurrences(of: "|", with: "¦") + " | " + perfdata)
        } catch {
            return (.unknown, "\(error)")
        }
    }

    /// Feeds the watcher until -W passes, or the retained answer settles (500 ms without one,
    /// at most 10 s); returns why the connection closed, if it did on its own.
    private func collect(_ client: MQTTClient, _ info: MQTTConnectionInfo, broker: Int, into watcher: Watcher) async -> MQTTClientError? {
        let deadline = TreeCollector(count: nil, timeout: seconds).deadline()
        var report = ConnectionReport()
        var answers = 0
        await watcher.take([.connectionState(.connected(info))], broker: broker)
        await client.disconnecting(when: { await deadline.wait() }) {
            for await batch in client.events.batches {
                await watcher.take(batch, broker: broker)
                for case let .connectionState(state) in batch { report.note(state) }
                let answered = await watcher.retainedAnswers(ofBroker: broker)
                if answered != answers { deadline.messageArrived() }
                answers = answered
            }
        }
        return report.failure
    }
}
