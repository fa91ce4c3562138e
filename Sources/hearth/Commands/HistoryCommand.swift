import ArgumentParser
import HearthKit
import Dashboard
import Foundation
import HistoryStore
import MQTT
import TopicModel
import TextFormat

/// `hearth history`: what the store recorded, without the broker.
struct HistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Print recorded points (or messages) of a topic from the history store; never needs the broker.",
        discussion: """
            Examples:
              hearth history zigbee2mqtt/bedroom temperature --since 24h
              hearth history home/door --since 7d -F json
              hearth history home/door --retained       # when its retained value was set, changed or cleared
              hearth history --topics
              hearth history --store postgres://hearth@db/hearth --broker cabin cabin/stove
            """,
        helpNames: [.long])

    @Argument(help: "The topic.") var topic: String?
    @Argument(help: "The JSON path of a field (default: the plain value, or the temperature-like field).") var path: String?

    @Option(name: .long, help: "How far back: 90s, 30m, 24h, 7d (default 24h).", transform: TimeSpan.parse) var since = TimeSpan(seconds: 86_400)
    @Option(name: [.customShort("F"), .customLong("format")], help: "csv or json (one object per line).") var format: Format?
    @Flag(name: .long, help: "List the recorded topics with their counts and time ranges.") var topics = false
    @Flag(name: .long, help: "Print the topic's messages, even when they are numbers.") var messages = false
    @Flag(name: .long, help: "Print when the topic's retained value was set, changed or cleared.") var retained = false
    @Option(name: .customLong("store"), help: "The history store: a file, or postgres://user@host/dbname (default: the profile's store, else the file `hearth record` writes for the broker below).") var store: String?
    @Option(name: .customLong("broker"), help: "The recorded broker to read, as stored: a profile's name or host:port (default: the broker below; --topics: every broker).") var broker: String?
    @OptionGroup(title: "Broker (whose recorded store to read; the broker itself is not needed)") var address: BrokerAddressOptions

    enum Format: String, ExpressibleByArgument, CaseIterable {
        case csv, json

        var recordFormat: RecordFormat { self == .csv ? .csv : .json }
    }

    func validate() throws {
        if !topics, topic == nil { throw ValidationError("give a topic, or --topics to list them") }
        if let topic, topic.contains("+") || topic.contains("#") {
            throw ValidationError("'\(topic)' is a filter; hearth history reads one topic (--topics lists the recorded ones)")
        }
    }

    func run() async throws {
        let place = try address.store(flag: store)
        if topics {
            try await place.reading { history in try await printTopics(from: history) }
        } else {
            try await place.reading(named: broker) { history, broker in try await printPast(from: history, broker: broker) }
        }
    }

    /// The recorded topics of `--broker`, or of every broker.
    private func printTopics(from history: any HistoryStorage) async throws {
        let printed = format?.recordFormat ?? .text
        var output = OutputWriter(fd: STDOUT_FILENO)
        defer { output.flush() }
        let names = ["broker", "topic", "messages", "first", "last"]
        if let header = printed.header(names) { output.write(header) }
        for topic in try await history.topics(broker: broker) {
            let fields: [RecordFormat.Field] = [.text(topic.broker.isEmpty ? "(unnamed)" : topic.broker), .text(topic.name),
                                                .number(Double(topic.messages)), .time(topic.first), .time(topic.last)]
            output.write(printed.line(Array(zip(names, fields))))
        }
    }

    /// Prints what was asked of `broker`'s past: a topic's points, messages or retained changes.
    private func printPast(from history: any HistoryStorage, broker: String) async throws {
        let printed = format?.recordFormat ?? .text
        var output = OutputWriter(fd: STDOUT_FILENO)
        defer { output.flush() }
        func write(_ names: [String], _ records: some Sequence<[RecordFormat.Field]>) {
            if let header = printed.header(names) { output.write(header) }
            for fields in records { output.write(printed.line(Array(zip(names, fields)))) }
        }
        guard let topic else { return }
        let start = Date().timeIntervalSince1970 - since.seconds
        if retained {
            write(["time", "change", "payload"], RetainedChanges.of(try await history.messages(broker: broker, topic: topic, since: start)).map { message, change in
                [.time(message.time), .text(change.rawValue), .text(String(decoding: message.payload, as: UTF8.self))]
            })
            return
        }
        let paths = try await history.paths(broker: broker, topic: topic)
        if !messages, let field = path ?? (paths.contains("") ? "" : paths.first(where: SeriesSet.isTemperature) ?? paths.first) {
            // A field the topic never had is a mistake in what was asked: an error, as a bad flag.
            if !field.isEmpty, !paths.isEmpty, !paths.contains(field) {
                let fields = paths.filter { !$0.isEmpty }
                throw ConfigurationError("\(topic) has no field '\(field)'" + (fields.isEmpty ? "" : " (recorded: \(fields.joined(separator: ", ")))"))
            }
            let points = try await history.points(broker: broker, topic: topic, path: field, since: start)
            if points.isEmpty { sayNothing(topic) }
            write(["time", "value"], points.map { [.time($0.time), .number($0.value)] })
        } else {
            let recorded = try await history.messages(broker: broker, topic: topic, since: start)
            if recorded.isEmpty { sayNothing(topic) }
            if let header = printed.header(["time", "qos", "retain", "payload"]) { output.write(header) }
            for message in recorded {
                var fields: [(name: String, field: RecordFormat.Field)] = [
                    ("time", .time(message.time)), ("qos", .number(Double(message.qos))), ("retain", .flag(message.retain)),
                    ("payload", .text(String(decoding: message.payload, as: UTF8.self)))]
                // Only JSON carries the v5 properties, and the true size of a payload stored cut.
                if printed == .json, !message.properties.isEmpty { fields.append(("properties", .json(JSON.properties(message.properties)))) }
                if printed == .json, message.size > message.payload.count {
                    fields += [("payload_truncated", .flag(true)), ("size", .number(Double(message.size)))]
                }
                output.write(printed.line(fields))
            }
        }
    }

    /// On stderr, so the output stays empty: why nothing is printed.
    private func sayNothing(_ topic: String) {
        Diagnostics.warn("nothing recorded for \(topic) in the last \(since) (--topics lists what was)")
    }
}
