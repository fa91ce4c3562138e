import ArgumentParser
import Foundation
import HearthKit
import HistoryStore
import MQTT

/// `hearth replay`: a recorded stretch of the home, published again.
struct ReplayCommand: AsyncParsableCommand, ConnectingCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Publish recorded messages again, in order and with their gaps, to the broker the flags name.",
        discussion: """
            It reads the history store (the one `hearth record` writes for the
            broker --from names, by default the broker it publishes to) and
            publishes each message of the -t filters recorded in the span, with
            its payload, QoS, retain flag and MQTT 5 properties, its gaps scaled
            by --speed. Into the broker it was recorded from it needs --prefix
            (or --force): an automation must not be fed its own past by accident.
            Examples:
              hearth replay -t 'home/#' --since 24h --speed 60 --prefix replay/
              hearth replay --from home -h test-broker --since 1h --speed max
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("t"), .customLong("topic")], help: "Recorded topics to replay (a filter, repeatable; default #).")
    var topics: [String] = []

    @Option(name: .long, help: "Start this long ago: 90s, 30m, 24h, 7d.", transform: TimeSpan.parse)
    var since: TimeSpan

    @Option(name: .long, help: "End this long ago (default: now).", transform: TimeSpan.parse)
    var until: TimeSpan?

    @Option(name: .long, help: "How many times faster than recorded (2, 60, 0.5), or max (default 1).")
    var speed: Speed = .times(1)

    @Option(name: .long, help: "Put this ahead of every topic (replay/), so nothing that listens to the real ones is fed.")
    var prefix: String?

    @Option(name: .long, help: "as-recorded (default) or never: what the replayed messages keep of their retain flag.")
    var retain: Replayer.RetainMode = .asRecorded

    @Option(name: [.customShort("q"), .long], help: "QoS of every message (default: as recorded).")
    var qos: MQTTQoS?

    @Option(name: .customLong("from"), help: "The recorded broker: a profile's name or host:port (default: the broker it publishes to).")
    var from: String?

    @Option(name: .customLong("store"), help: "The history store to read: a file, or postgres://user@host/dbname (default: the store of --from's profile, else the file `hearth record` writes for it).")
    var store: String?

    @Flag(name: .long, help: "Replay into the recorded topics of the broker they came from.")
    var force = false

    /// `--speed`: a factor, or as fast as the broker takes them.
    enum Speed: ExpressibleByArgument, Equatable {
        case times(Double)
        case max

        init?(argument: String) {
            if argument == "max" {
                self = .max
            } else if let factor = Double(argument), factor > 0, factor.isFinite {
                self = .times(factor)
            } else {
                return nil
            }
        }

        var factor: Double? {
            if case let .times(factor) = self { return factor }
            return nil
        }

        var defaultValueDescription: String { factor.map { String(format: "%g", $0) } ?? "max" }
    }

    func validate() throws {
        for filter in topics {
            if let problem = MQTTTopic.filterProblem(filter) { throw ValidationError("invalid topic filter '\(filter)': \(problem)") }
        }
        if let until, until.seconds >= since.seconds { throw ValidationError("--until must be later than --since (less long ago)") }
        if let prefix, !prefix.isEmpty, let problem = MQTTTopic.sendingProblem(prefix + "x") {
            throw ValidationError("invalid --prefix '\(prefix)': \(problem)")
        }
    }

    func run() async throws {
        let profile = try connection.address.profile()
        let target = try connection.address.endpoint(profile: profile)
        let targetName = connection.address.brokerName(profile: profile, endpoint: target)
        let (source, sourceEndpoint) = try from.map { try Self.recorded($0, store: store) } ?? (connection.store(flag: store), target)
        let now = Date().timeIntervalSince1970
        let replayer = Replayer(filters: topics.isEmpty ? ["#"] : topics, since: now - since.seconds, until: now - (until?.seconds ?? 0),
                                speed: speed.factor, prefix: prefix ?? "", retain: retain, qos: qos)
        let clock = ContinuousClock()
        let started = clock.now
        var said = started
        let configuration = try connection.makeConfiguration(reconnect: MQTTReconnectPolicy())
        let summary = try await source.reading { history, broker in
            // Checked on the name read: the broker it came from is the one it would go to.
            if broker == targetName || sourceEndpoint?.hostAndPort == target.hostAndPort, prefix?.isEmpty ?? true, !force {
                throw ValidationError("\(broker) is the broker it would replay into, on the same topics: give --prefix replay/ (or --force)")
            }
            return try await MQTTClient.withConnection(configuration) { client, _ in
                try await replayer.run(from: history, broker: broker, publish: { message in
                    try await client.publish(to: message.topic, payload: message.payload, qos: message.qos, retain: message.retain,
                                             properties: message.properties)
                }, progress: { sent, total in
                    guard clock.now - said >= .seconds(1) else { return }
                    said = clock.now
                    Diagnostics.warn("replayed \(sent) (of \(total) recorded in the span)")
                })
            }
        }
        let took = TimeSpan(seconds: (clock.now - started) / .seconds(1))
        Diagnostics.warn("replayed \(summary.sent) message\(summary.sent == 1 ? "" : "s") recorded over \(TimeSpan(seconds: summary.recordedSpan)) in \(took) from \(source.broker) in \(source.address)"
                         + (summary.cut > 0 ? "; \(summary.cut) payload\(summary.cut == 1 ? " was" : "s were") stored cut, and replayed so" : ""))
    }

    /// The store holding the past of the broker `--from` names (a profile, or host:port), and
    /// where that broker is when that is known. With `--store`, any name the store holds.
    static func recorded(_ broker: String, store: String?) throws -> (BrokerStore, BrokerEndpoint?) {
        if let profile = try ProfileFile.load()?.profiles.first(where: { $0.name == broker }) {
            let endpoint = try BrokerEndpoint.resolve(host: nil, port: nil, url: nil, profile: profile, tls: false, webSocket: false, webSocketPath: nil)
            return (try BrokerStore(flag: store, profile: profile, broker: broker, endpoint: endpoint), endpoint)
        }
        let parts = broker.split(separator: ":")
        if parts.count == 2, let port = Int(parts[1]), (1...65_535).contains(port) {
            let endpoint = try BrokerEndpoint.resolve(host: String(parts[0]), port: port, url: nil, profile: nil, tls: false, webSocket: false, webSocketPath: nil)
            return (try BrokerStore(flag: store, profile: nil, broker: broker, endpoint: endpoint), endpoint)
        }
        guard let store else { throw ValidationError("--from \(broker): not a profile, nor host:port (with --store, any broker it holds)") }
        return (BrokerStore(address: try StoreAddress(parsing: store), broker: broker, profile: nil), nil)
    }
}

extension Replayer.RetainMode: ExpressibleByArgument {}
