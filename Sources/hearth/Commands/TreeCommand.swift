import ArgumentParser
import HearthKit
import Foundation
import MQTT
import TopicModel

/// `hearth tree`: collect into the topic model, print the tree once, exit.
struct TreeCommand: AsyncParsableCommand, ConnectingCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Collect messages into Hearth's topic model, print the tree once and exit.",
        discussion: """
            By default it stops once the broker's answer to the subscription has settled: 500 ms
            without a retained message for a topic not yet heard (live messages, and devices that
            republish with retain on, do not hold it), and at most 10 s after subscribing. With -W
            it keeps collecting across reconnects, and a broker restart in the window is reconciled
            (retained values the broker no longer holds are marked gone) before it prints.
            Examples:
              hearth tree                           # everything, as an indented tree
              hearth tree -t 'home/#' --depth 2
              hearth tree --retained-only -F json   # one JSON object per retained topic
              hearth tree --sort rate -W 10 --depth 2   # what floods the broker
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var subscription: SubscriptionOptions

    @Option(name: .long, help: "Print this many levels (0: only the summary line).")
    var depth: Int?

    @Flag(name: .customLong("retained-only"), help: "Print only topics that hold a retained value.")
    var retainedOnly = false

    @Option(name: [.customShort("F"), .customLong("format")], help: "Output format: json (one object per topic).")
    var format: OutputFormatOption?

    @Option(name: .long, help: "Order each level by traffic, largest first: rate (msgs/s over 10 s) or bytes (bytes/s); default: by name.")
    var sort: SortOption?

    /// `--sort` values.
    enum SortOption: String, ExpressibleByArgument, CaseIterable {
        case rate, bytes

        var order: TreeOrder { self == .rate ? .messageRate : .byteRate }
    }

    /// `-F`: json only (`hearth sub -F` also takes mosquitto_sub's format strings).
    enum OutputFormatOption: String, ExpressibleByArgument, CaseIterable { case json }

    func validate() throws {
        if let depth, depth < 0 { throw ValidationError("--depth must be 0 or more") }
    }

    func run() async throws {
        let brokers = try connection.brokers()
        // Retain-as-published keeps the retained marks right on live updates (MQTT 5).
        let sessions = try brokers.map { broker in
            Session(configuration: try broker.options.makeConfiguration(reconnect: MQTTReconnectPolicy()),
                    filters: subscription.topics.isEmpty ? try broker.options.defaultFilters() : subscription.topics,
                    qos: subscription.qos, retainAsPublished: true)
        }
        // Several brokers collect side by side into one model, each its own first level.
        let model = SharedModel(TopicModel(brokers: brokers.map(\.name)))
        // Several brokers: those that could not be reached, said as such in the text tree.
        var unreachable: [String: String] = [:]
        let collector = TreeCollector(count: subscription.count, timeout: subscription.timeout)
        if sessions.count == 1 {
            let failure = try await sessions[0].run { client, _ in await collector.collect(from: client, into: model) }
            if let failure { throw failure }
        } else {
            let names = brokers.map(\.name)
            unreachable = try await SeveralBrokers.run(zip(brokers, sessions).map { (name: $0.name, session: $1) }) { index, client in
                await collector.collect(from: client, into: model, broker: index, name: names[index])
            }
        }

        let now = Date().timeIntervalSince1970
        // The process ends next: the model is taken out of the lock once, and both it and the
        // shared one are kept past the exit (freeing every topic one by one took 0.17 s of a
        // million messages' 3 s; the two need not share every chunk by then).
        let kept = KeptUntilExit(model.withModel { model in
            model.refresh(now: now)
            return model
        })
        _ = Unmanaged.passRetained(kept)
        _ = Unmanaged.passRetained(model)
        var output = OutputWriter(fd: STDOUT_FILENO)
        var printer = TreePrinter(model: kept.value, maxDepth: depth, retainedOnly: retainedOnly, now: now, order: sort?.order ?? .name)
        printer.unreachable = unreachable
        if format == .json { printer.writeJSON(to: &output) } else { printer.writeText(to: &output) }
        output.flush()
    }
}

/// Holds a value past its scope, for a process about to exit.
private final class KeptUntilExit<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}
