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

    /// `-F`: json only (`hearth sub -F` also takes mosquitto_sub's format strings).
    enum OutputFormatOption: String, ExpressibleByArgument, CaseIterable { case json }

    func validate() throws {
        if let depth, depth < 0 { throw ValidationError("--depth must be 0 or more") }
    }

    func run() async throws {
        // Retain-as-published keeps the retained marks right on live updates (MQTT 5).
        let session = Session(
            configuration: try connection.makeConfiguration(reconnect: MQTTReconnectPolicy()),
            filters: subscription.topics.isEmpty ? try connection.defaultFilters() : subscription.topics,
            qos: subscription.qos, retainAsPublished: true)
        let model = SharedModel()
        let failure = try await session.run { client, _ in await collect(from: client, into: model) }
        if let failure { throw failure }

        let now = Date().timeIntervalSince1970
        // The process ends next: the model is taken out of the lock once, and kept past the exit
        // (freeing every topic one by one would only delay it).
        let kept = KeptUntilExit(model.withModel { model in
            model.refresh(now: now)
            return model
        })
        _ = Unmanaged.passRetained(kept)
        var output = OutputWriter(fd: STDOUT_FILENO)
        let printer = TreePrinter(model: kept.value, maxDepth: depth, retainedOnly: retainedOnly, now: now)
        if format == .json { printer.writeJSON(to: &output) } else { printer.writeText(to: &output) }
        output.flush()
    }

    /// The longest the default run waits for the retained burst to settle: a broker whose
    /// devices republish retained values (seen as retained, with retain-as-published) more than
    /// twice a second never goes quiet.
    static let settleLimit = 10.0

    /// Ingests until the count, the time limit or the settled burst; returns why the connection
    /// closed, if it did on its own.
    private func collect(from client: MQTTClient, into model: SharedModel) async -> MQTTClientError? {
        // The burst settles when the subscription's answer stops: the first retained message of
        // each topic. A chatty live topic, retained or not, does not hold it.
        let settling = subscription.count == nil && subscription.timeout == nil
        let limit = (subscription.timeout ?? (settling ? Self.settleLimit : nil)).map { Duration.milliseconds(Int($0 * 1000)) }
        let deadline = CollectionDeadline(limit: limit, quiet: settling ? .milliseconds(500) : nil, clock: ContinuousClock())
        var report = ConnectionReport()
        var answers = 0
        await client.disconnecting(when: { await deadline.wait() }) {
            await model.feed(client.events.batches, limit: subscription.count) { news in
                switch news {
                case .ingested:
                    // A reconnect burst settles before the deadline may end the run.
                    let now = Date().timeIntervalSince1970
                    let (answered, due) = model.withModel { model -> (Int, Double?) in
                        guard model.reconciliationDeadline != nil else { return (model.retainedAnswers, nil) }
                        model.refresh(now: now)
                        return (model.retainedAnswers, model.reconciliationDeadline)
                    }
                    if answered != answers { deadline.messageArrived() }
                    answers = answered
                    if let due {
                        deadline.hold(for: .milliseconds(Int(max(0, due - now) * 1000) + 50))
                    }
                case let .connection(state, _, _):
                    report.note(state)
                case .dropped:
                    // Never: `ConnectionOptions` reads with `.pauseReading`, which waits instead.
                    break
                }
            }
        }
        if settling, deadline.sinceLastMessage < .milliseconds(500) {
            Diagnostics.warn("retained messages were still arriving after \(Int(Self.settleLimit)) s; -W SECONDS collects longer")
        }
        return report.failure
    }
}

/// Holds a value past its scope, for a process about to exit.
private final class KeptUntilExit<Value> {
    let value: Value
    init(_ value: Value) { self.value = value }
}
