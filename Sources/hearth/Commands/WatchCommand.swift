import ArgumentParser
import Foundation
import HearthKit
import MQTT
import Watch

/// `hearth watch`: evaluate the rules for as long as it runs, say each transition, act on it.
struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Evaluate config.toml's rules until stopped: one JSON line per fired, resolved, reminded or unknown.",
        discussion: """
            It subscribes to the rules' topics on each broker, reads what the
            history store remembers of them (a sensor that died before it started
            fires at once), and reconnects for ever. Each transition is a line on
            stdout; a rule's run and publish actions follow it, one at a time per
            rule, at most --actions-per-minute across all rules. What fires, what is
            silenced and each rule's last action are kept in
            $XDG_STATE_HOME/hearth/watch-<profile>.json: a restart fires nothing
            twice. SIGTERM stops it.
            A rule, in ~/.config/hearth/config.toml:
              [[rules]]
              name = "freezer quiet"
              topic = "zigbee2mqtt/freezer"
              silent = "10m"
              run = ["notify-send", "Freezer"]
            Conditions: stale, silent, offline, gone, above, below, changed, equals.
            A run sees HEARTH_RULE, HEARTH_TOPIC, HEARTH_VALUE, HEARTH_STATE, ...
            Examples:
              hearth watch -b home
              hearth watch -b home -b cabin --actions-per-minute 4
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions

    @Option(name: .customLong("store"), help: "The history file to start from (default each broker's $XDG_STATE_HOME/hearth/<host>-<port>.sqlite).")
    var store: String?

    @Option(name: .customLong("actions-per-minute"), help: "Actions (run and publish) allowed a minute across all rules; more are skipped and logged (default 10).")
    var actionsPerMinute: Int = 10

    func validate() throws {
        if actionsPerMinute < 1 { throw ValidationError("--actions-per-minute must be 1 or more") }
    }

    func run() async throws {
        let watched = try WatchedBrokers(connection: connection)
        let sessions = try watched.sessions()
        let clients = BrokerClients()
        let now = Date().timeIntervalSince1970
        let actions = ActionQueue(perMinute: actionsPerMinute, now: now) { broker, message in
            guard let client = clients.client(of: broker) else { throw MQTTClientError.notConnected }
            try await client.publish(to: message.topic, payload: Array(message.payload.utf8), qos: .atLeastOnce, retain: message.retain)
        }
        let stateFile = WatchStateFile(path: WatchStateFile.path(name: watched.stateName))
        let claim = try stateFile.claim()
        let watcher = Watcher(engine: watched.engine(), actions: actions, stateFile: stateFile) { line in
            let text = line + "\n"
            _ = text.utf8CString.withUnsafeBufferPointer { write(STDOUT_FILENO, $0.baseAddress, $0.count - 1) }
        }
        if let warning = try await watcher.restore(now: now) { Diagnostics.warn(warning) }
        try await watched.seed(watcher, store: store)
        Diagnostics.warn("watching \(watched.rules.count) rule\(watched.rules.count == 1 ? "" : "s") on \(watched.names.joined(separator: ", ")); state in \(stateFile.path)")

        let stop = Doorbell.latching()
        let signals = Task {
            await StopSignal.wait()
            stop.ring()
        }
        defer { signals.cancel() }
        await withTaskGroup(of: Void.self) { group in
            for index in sessions.indices {
                group.addTask {
                    await Self.keepConnected(sessions[index], broker: index, name: watched.names[index], several: sessions.count > 1,
                                             watcher: watcher, clients: clients, stop: stop)
                }
            }
            group.addTask { await Self.keepTime(watcher, stop: stop) }
        }
        await clients.closeAll()
        await actions.drain()
        await watcher.save(now: Date().timeIntervalSince1970)
        _ = consume claim
    }

    /// One broker's sessions, until the stop: a failure is said, and tried again after a
    /// growing wait, whatever it was (a daemon outlives a broker's bad day).
    static func keepConnected(_ session: Session, broker index: Int, name: String, several: Bool, watcher: Watcher,
                              clients: BrokerClients, stop: Doorbell) async {
        var attempt = 0
        let prefix = several ? "\(name): " : ""
        while !stop.isRung {
            do {
                try await session.run { client, info in
                    guard clients.adopt(client, broker: index) else { return }
                    attempt = 0
                    Diagnostics.warn("\(prefix)connected to \(session.configuration.host):\(session.configuration.port) (MQTT \(info.version))")
                    await watcher.take([.connectionState(.connected(info))], broker: index)
                    await client.disconnecting(when: { await stop.wait() }) {
                        for await batch in client.events.batches {
                            for case let .connectionState(state) in batch {
                                switch state {
                                case .reconnecting, .closed(_?): Diagnostics.warn("\(prefix)\(state)")
                                case let .connected(info):
                                    Diagnostics.warn("\(prefix)connected again to \(session.configuration.host):\(session.configuration.port) (MQTT \(info.version)); the rules are evaluated again")
                                default: break
                                }
                            }
                            await watcher.take(batch, broker: index)
                        }
                    }
                }
            } catch {
                attempt += 1
                let delay = session.configuration.reconnect.delay(forAttempt: attempt)
                let reason = SeveralBrokers.describe(error, username: session.configuration.username)
                Diagnostics.warn("\(prefix)\(reason); trying again in \(TimeSpan(seconds: (delay / .milliseconds(100)).rounded() / 10))")
                await watcher.brokerFailed(index, reason: "\(error)")
                _ = await stop.wait(until: .now + delay, clock: ContinuousClock())
            }
        }
    }

    /// Ticks the watcher at its next deadline, and at least once a second, until the stop.
    static func keepTime(_ watcher: Watcher, stop: Doorbell) async {
        while !stop.isRung {
            let now = Date().timeIntervalSince1970
            await watcher.tick(now: now)
            let due = await watcher.nextDeadline.map { min(1, max(0.05, $0 - now)) } ?? 1
            _ = await stop.wait(until: .now + .milliseconds(Int(due * 1000)), clock: ContinuousClock())
        }
    }
}
