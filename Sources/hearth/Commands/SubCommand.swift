import ArgumentParser
import HearthKit
import Foundation
import MQTT

/// `hearth sub`: subscribe and print messages, like mosquitto_sub.
struct SubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sub",
        abstract: "Subscribe to topic filters and print the messages (like mosquitto_sub).",
        discussion: """
            Examples:
              hearth sub -t 'home/#' -v
              hearth sub -t 'zigbee2mqtt/#' -F json -C 10
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

    @Option(name: [.customShort("F"), .customLong("format")], help: "Output format: json (one object per line).")
    var format: OutputFormatOption?

    enum OutputFormatOption: String, ExpressibleByArgument, CaseIterable { case json }

    func validate() throws {
        if subscription.topics.isEmpty, try connection.urlTopic() == nil, try connection.defaultFilters() == ["#"] {
            throw ValidationError("give at least one topic filter with -t (or in the -L URL, or a profile's filters)")
        }
        try session.validate(clientID: connection.id)
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
        let formatter = MessageFormatter(
            format: format == .json ? .json : (verbose ? .verbose : .payload), escape: output.isTerminal)
        var printed = 0
        var report = ConnectionReport()
        // Read once: the option group's getter is not free, and this loop runs per message.
        let limit = subscription.count
        await client.disconnecting(when: { await deadline.wait() }) {
            loop: for await batch in client.events.batches {
                // Once per batch, not per message: the quiet period is half a second.
                if batch.contains(where: { if case .message = $0 { true } else { false } }) { deadline.messageArrived() }
                for event in batch {
                    switch event {
                    case let .message(message):
                        if retainedOnly, !message.retain { break loop }
                        if skipRetained, message.retain { continue }
                        formatter.write(message, to: &output)
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
        }
        output.flush()
        return report.failure
    }
}
