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
        if subscription.topics.isEmpty, try connection.urlTopic() == nil, try connection.defaultFilters() == ["#"] {
            throw ValidationError("give at least one topic filter with -t (or in the -L URL, or a profile's filters)")
        }
        try session.validate(clientID: connection.id)
        for filter in hidden {
            if let problem = MQTTTopic.filterProblem(filter) { throw ValidationError("invalid -T filter '\(filter)': \(problem)") }
        }
        _ = try messageFormat()
    }

    func run() async throws {
        let session = Session(
            configuration: try connection.makeConfiguration(reconnect: MQTTReconnectPolicy(), session: session),
            filters: subscription.topics.isEmpty ? try connection.defaultFilters() : subscription.topics + [try connection.urlTopic()].compactMap { $0 },
            qos: subscription.qos, retainAsPublished: retainAsPublished)
        let failure = try await session.run { client, _ in try await printMessages(from: client) }
        if let failure { throw failure }
    }

    /// Prints until the count, the time limit or the end of the retained burst; returns why the
    /// connection closed, if it did on its own.
    private func printMessages(from client: MQTTClient) async throws -> MQTTClientError? {
        let deadline = CollectionDeadline(limit: subscription.timeout.map { .milliseconds(Int($0 * 1000)) },
                                          quiet: retainedOnly ? .milliseconds(500) : nil, clock: ContinuousClock())
        var output = OutputWriter(fd: STDOUT_FILENO)
        let formatter = MessageFormatter(format: try messageFormat(), escape: output.isTerminal, newline: !noNewline, pretty: pretty)
        var printed = 0
        var report = ConnectionReport()
        // Read once: the option group's getter is not free, and this loop runs per message.
        let limit = subscription.count
        var clearing: [Task<Void, Never>] = []
        await client.disconnecting(when: { await deadline.wait() }) {
            loop: for await batch in client.events.batches {
                // Once per batch, not per message: the quiet period is half a second.
                if batch.contains(where: { if case .message = $0 { true } else { false } }) { deadline.messageArrived() }
                for event in batch {
                    switch event {
                    case let .message(message):
                        if retainedOnly, !message.retain { break loop }
                        if skipRetained, message.retain { continue }
                        if !hidden.isEmpty, hidden.contains(where: { MQTTTopic.matches(filter: $0, topic: message.topic) }) { continue }
                        // As mosquitto_sub: at QoS 1, for what is shown (and -R would skip it first),
                        // without waiting in the loop; the acknowledgements are awaited at the end.
                        if removeRetained, message.retain, !message.payload.isEmpty {
                            clearing.append(Task { try? await client.publish(to: message.topic, payload: [], qos: .atLeastOnce, retain: true) })
                        }
                        if !formatter.write(message, to: &output) {
                            Diagnostics.warn("message payload is not valid JSON on topic \(message.topic)")
                        }
                        printed += 1
                        if let limit, printed >= limit { break loop }
                    case .messagesDropped, .resubscribing, .subscriptionsRestored:
                        // Never dropped: `ConnectionOptions` reads with `.pauseReading`, which waits instead.
                        // The burst after a resubscribe prints like any other message.
                        break
                    case let .connectionState(state):
                        report.note(state)
                    }
                }
                output.flush()
            }
            // The clears sent go out before the DISCONNECT, acknowledged or not.
            for task in clearing { await task.value }
        }
        output.flush()
        return report.failure
    }
}
