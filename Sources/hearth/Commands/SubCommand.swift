import ArgumentParser
import HearthKit
import Foundation
import MQTT

/// `hearth sub`: subscribe and print messages, like mosquitto_sub.
struct SubCommand: AsyncParsableCommand, ConnectingCommand {
    static let configuration = CommandConfiguration(
        commandName: "sub",
        abstract: "Subscribe to topic filters and print the messages (like mosquitto_sub).",
        discussion: """
            -F takes json, or a mosquitto_sub format string: %t topic, %p payload, %r retain
            flag, %q QoS, %l length, %m message id, %x/%X hex, %j/%J JSON, %I ISO time, %U Unix
            time, %P/%C/%R/%D/%E/%F/%S/%A v5 properties; flags, width and maximum width as in
            %-20.20t; @Y, @H... for strftime(3) and @N for nanoseconds; \\n, \\t, \\e, \\0 escapes.
            Examples:
              hearth sub -t 'home/#' -v
              hearth sub -t 'zigbee2mqtt/#' -F json -C 10
              hearth sub -t '#' -F '%I %t %r %p' -T 'zigbee2mqtt/bridge/#'
              hearth sub -L mqtts://user:pass@broker:8883/home/# --retained-only
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var subscription: SubscriptionOptions
    @OptionGroup var session: SessionOptions

    @Flag(name: [.customShort("R"), .customLong("no-retained")], help: "Skip messages delivered as retained.")
    var skipRetained = false

    @Flag(name: .customLong("retained-only"),
          help: "Print the retained messages, then exit (at the first live message, or once none arrive for 500 ms).")
    var retainedOnly = false

    @Flag(name: .customLong("retain-as-published"),
          help: "MQTT 5: live messages keep the publisher's retain flag.")
    var retainAsPublished = false

    @Flag(name: [.customShort("v"), .long], help: "Print 'topic payload'.")
    var verbose = false

    @Option(name: [.customShort("F"), .customLong("format")],
            help: "json (one object per line), or a mosquitto_sub format such as '%t %p' (see below).")
    var format: String?

    @Flag(name: .customShort("N"), help: "Do not end each message with a newline.")
    var noNewline = false

    @Option(name: .customShort("T"), help: "Hide topics matching this filter (repeatable).")
    var hidden: [String] = []

    @Flag(name: .long, help: "Indent JSON (-F json, %j and %J).")
    var pretty = false

    @Flag(name: .customLong("remove-retained"), help: "Clear each retained message received (publish an empty retained one).")
    var removeRetained = false

    /// What `-F` asks for.
    private func messageFormat() throws -> MessageFormat {
        guard let format else { return verbose ? .verbose : .payload }
        return format == "json" ? .json : .template(try MosquittoFormat(parsing: format))
    }

    func validate() throws {
        if subscription.topics.isEmpty {
            for broker in try connection.brokers() where try broker.options.urlTopic() == nil && broker.options.defaultFilters() == ["#"] {
                throw ValidationError("give at least one topic filter with -t (or in the -L URL, or a profile's filters)")
            }
        }
        try session.validate(clientID: connection.id)
        for filter in hidden {
            if let problem = MQTTTopic.filterProblem(filter) { throw ValidationError("invalid -T filter '\(filter)': \(problem)") }
        }
        _ = try messageFormat()
    }

    func run() async throws {
        let brokers = try connection.brokers()
        let printer = SubPrinter(format: try messageFormat(), newline: !noNewline, pretty: pretty, count: subscription.count,
                                 timeout: subscription.timeout, retainedOnly: retainedOnly, skipRetained: skipRetained, hidden: hidden,
                                 removeRetained: removeRetained)
        guard brokers.count > 1 else {
            let failure = try await session(brokers[0].options).run { client, _ in await printer.print(from: client) }
            if let failure { throw failure }
            return
        }
        // Several brokers: each prints its own whole lines, named, and a broker that fails is a
        // warning while the others go on.
        let names = brokers.map(\.name)
        let stdout = SharedOutput()
        try await SeveralBrokers.run(try brokers.map { (name: $0.name, session: try session($0.options)) }) { index, client in
            await printer.print(from: client, broker: names[index], sharing: stdout)
        }
    }

    /// The session for one broker's flags.
    private func session(_ options: ConnectionOptions) throws -> Session {
        Session(configuration: try options.makeConfiguration(reconnect: MQTTReconnectPolicy(), session: session),
                filters: subscription.topics.isEmpty ? try options.defaultFilters() : subscription.topics + [try options.urlTopic()].compactMap { $0 },
                qos: subscription.qos, retainAsPublished: retainAsPublished)
    }
}
