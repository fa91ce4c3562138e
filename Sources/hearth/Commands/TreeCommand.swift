import ArgumentParser
import Foundation
import MQTT
import TopicModel

/// `hearth tree`: collect into the topic model, print the tree once, exit.
struct TreeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tree",
        abstract: "Collect messages into Hearth's topic model, print the tree once and exit.",
        discussion: """
            By default it stops once the retained burst has settled: no retained message for 500 ms
            (live ones do not hold it), and at most 10 s after subscribing. With -W
            it keeps collecting across reconnects, and a broker restart in the window is reconciled
            (retained values the broker no longer holds are marked gone) before it prints.
            Examples:
              hearth tree                           # everything, as an indented tree
              hearth tree -t 'home/#' --depth 2
              hearth tree --retained-only -F json   # one JSON object per retained topic
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions
    @OptionGroup var subscription: SubscriptionOptions

    @Option(name: .long, help: "Print this many levels (0: only the summary line).")
    var depth: Int?

    @Flag(name: .customLong("retained-only"), help: "Print only topics that hold a retained value.")
    var retainedOnly = false

    @Option(name: [.customShort("F"), .customLong("format")], help: "Output format: json (one object per topic).")
    var format: SubCommand.OutputFormatOption?

    func validate() throws {
        if let depth, depth < 0 { throw ValidationError("--depth must be 0 or more") }
    }

    func run() async throws {
        // Retain-as-published keeps the retained marks right on live updates (MQTT 5).
        let session = SubscribedSession(
            configuration: try connection.makeConfiguration(reconnect: MQTTReconnectPolicy()),
            filters: subscription.topics.isEmpty ? try connection.defaultFilters() : subscription.topics,
            qos: subscription.qos, retainAsPublished: true)
        var model = TopicModel()
        let failure = try await session.run { client, _ in try await collect(from: client, into: &model) }
        if let failure { throw failure }

        let now = Date().timeIntervalSince1970
        model.refresh(now: now)
        var output = OutputWriter(fd: STDOUT_FILENO)
        let printer = TreePrinter(model: model, maxDepth: depth, retainedOnly: retainedOnly, now: now)
        if format == .json { printer.writeJSON(to: &output) } else { printer.writeText(to: &output) }
        output.flush()
        // The process ends next: freeing every topic one by one would only delay the exit.
        _ = Unmanaged.passRetained(KeptUntilExit(model))
    }

    /// The longest the default run waits for the retained burst to settle: a broker whose
    /// devices republish retained values (seen as retained, with retain-as-published) more than
    /// twice a second never goes quiet.
    static let settleLimit = 10.0

    /// Ingests until the count, the time limit or the settled burst; returns why the connection
    /// closed, if it did on its own.
    private func collect(from client: MQTTClient, into model: inout TopicModel) async throws -> MQTTClientError? {
        // The burst settles when retained messages stop; a chatty live topic does not hold it.
        let lastRetained = SharedInstant(), reconciling = SharedInstant()
        let settling = subscription.count == nil && subscription.timeout == nil
        let watchdog = Watchdog.start(client: client, limit: subscription.timeout ?? (settling ? Self.settleLimit : nil),
                                      quiet: settling ? .milliseconds(500) : nil, lastMessage: lastRetained, holdUntil: reconciling)
        defer { watchdog.cancel() }
        defer {
            if settling, ContinuousClock.now - lastRetained.instant < .milliseconds(500) {
                Diagnostics.warn("retained messages were still arriving after \(Int(Self.settleLimit)) s; -W SECONDS collects longer")
            }
        }
        var retainedInBurst = false
        var report = ConnectionReport()
        var received = 0
        // Read once: the option group's getter is not free, and this loop runs per message.
        let limit = subscription.count
        var iterator = client.events.makeAsyncIterator()
        // The iterator hands over the client's batches: each is ingested in one turn of this task.
        loop: while let event = await iterator.next() {
            switch event {
            case let .message(message):
                model.ingest(message)
                retainedInBurst = retainedInBurst || message.retain
                received += 1
                if let limit, received >= limit { break loop }
            case .messagesDropped:
                // Never: `ConnectionOptions` reads with `.pauseReading`, which waits instead of dropping.
                break
            case .resubscribing, .subscriptionsRestored:
                model.follow(event, at: Date().timeIntervalSince1970)
            case let .connectionState(state):
                model.follow(event, at: Date().timeIntervalSince1970)
                report.note(state)
            }
            if !iterator.hasBufferedEvents {
                if retainedInBurst { lastRetained.touch() }
                retainedInBurst = false
                // A reconnect burst settles before the watchdog may end the run.
                if model.reconciliationDeadline != nil {
                    let now = Date().timeIntervalSince1970
                    model.refresh(now: now)
                    if let deadline = model.reconciliationDeadline {
                        reconciling.set(.now + .milliseconds(Int(max(0, deadline - now) * 1000) + 50))
                    }
                }
            }
        }
        return report.failure
    }
}

/// Holds a value past its scope, for a process about to exit.
private final class KeptUntilExit<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}
