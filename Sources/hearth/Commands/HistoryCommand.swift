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
            """,
        helpNames: [.long])

    @Argument(help: "The topic.") var topic: String?
    @Argument(help: "The JSON path of a field (default: the plain value, or the temperature-like field).") var path: String?

    @Option(name: .long, help: "How far back: 90s, 30m, 24h, 7d (default 24h).", transform: TimeSpan.parse) var since = TimeSpan(seconds: 86_400)
    @Option(name: [.customShort("F"), .customLong("format")], help: "csv or json (one object per line).") var format: Format?
    @Flag(name: .long, help: "List the recorded topics with their counts and time ranges.") var topics = false
    @Flag(name: .long, help: "Print the topic's messages, even when they are numbers.") var messages = false
    @Flag(name: .long, help: "Print when the topic's retained value was set, changed or cleared.") var retained = false
    @Option(name: .customLong("store"), help: "The history file (default: the one `hearth record` writes for the broker above).") var store: String?
    @OptionGroup(title: "Broker (whose recorded store to read; the broker itself is not needed)") var address: BrokerAddressOptions

    enum Format: String, ExpressibleByArgument, CaseIterable { case csv, json }

    func validate() throws {
        if !topics, topic == nil { throw ValidationError("give a topic, or --topics to list them") }
        if let topic, topic.contains("+") || topic.contains("#") {
            throw ValidationError("'\(topic)' is a filter; hearth history reads one topic (--topics lists the recorded ones)")
        }
    }

    func run() async throws {
        let file = try store ?? {
            let endpoint = try address.endpoint(profile: address.profile())
            return HistoryStore.defaultPath(host: endpoint.host, port: endpoint.port)
        }()
        guard FileManager.default.fileExists(atPath: file) else {
            throw ValidationError("no history store at \(file) (hearth record writes one)")
        }
        let history = try HistoryStore(path: file, readOnly: true)
        var output = OutputWriter(fd: STDOUT_FILENO)
        defer { output.flush() }
        if topics {
            if format == .csv { output.write("topic,messages,first,last\n") }
            for recorded in try history.topics() {
                output.write(line([("topic", .text(recorded.name)), ("messages", .number(Double(recorded.messages))),
                                   ("first", .time(recorded.first)), ("last", .time(recorded.last))]))
            }
            return
        }
        guard let topic else { return }
        let start = Date().timeIntervalSince1970 - since.seconds
        if retained {
            if format == .csv { output.write("time,change,payload\n") }
            for (message, change) in Self.retainedChanges(try history.messages(topic: topic, since: start)) {
                output.write(line([("time", .time(message.time)), ("change", .text(change)), ("payload", .text(String(decoding: message.payload, as: UTF8.self)))]))
            }
            return
        }
        let paths = try history.paths(topic: topic)
        if !messages, let field = path ?? (paths.contains("") ? "" : paths.first(where: SeriesSet.isTemperature) ?? paths.first) {
            if format == .csv { output.write("time,value\n") }
            let points = try history.points(topic: topic, path: field, since: start)
            if points.isEmpty { sayNothing(topic: topic, field: field, known: paths) }
            for point in points {
                output.write(line([("time", .time(point.time)), ("value", .number(point.value))]))
            }
        } else {
            if format == .csv { output.write("time,qos,retain,payload\n") }
            let recorded = try history.messages(topic: topic, since: start)
            if recorded.isEmpty { sayNothing(topic: topic, field: nil, known: paths) }
            for message in recorded {
                var fields: [(String, Field)] = [("time", .time(message.time)), ("qos", .number(Double(message.qos))), ("retain", .flag(message.retain)),
                                                 ("payload", .text(String(decoding: message.payload, as: UTF8.self)))]
                if format == .json, !message.properties.isEmpty { fields.append(("properties", .json(JSON.properties(message.properties)))) }
                output.write(line(fields))
            }
        }
    }

    /// On stderr, so the output stays empty: why nothing is printed.
    private func sayNothing(topic: String, field: String?, known: [String]) {
        let fields = known.filter { !$0.isEmpty }
        if let field, !field.isEmpty, !known.contains(field) {
            Diagnostics.warn("\(topic) has no field '\(field)'" + (fields.isEmpty ? "" : " (recorded: \(fields.joined(separator: ", ")))"))
        } else {
            Diagnostics.warn("nothing recorded for \(topic) in the last \(ValueFormat.age(since.seconds)) (--topics lists what was)")
        }
    }

    /// The retained value's changes among `messages` (oldest first): each retained message whose
    /// payload differs from the one before it: "set" (none before, or after a clear), "changed",
    /// or "cleared" (an empty payload).
    static func retainedChanges(_ messages: [RecordedMessage]) -> [(RecordedMessage, String)] {
        var previous: [UInt8]?
        return messages.compactMap { message in
            guard message.retain, message.payload != previous else { return nil }
            defer { previous = message.payload }
            if message.payload.isEmpty { return (message, "cleared") }
            return (message, previous == nil || previous?.isEmpty == true ? "set" : "changed")
        }
    }

    private enum Field {
        case text(String), number(Double), time(Double), flag(Bool)
        /// Already JSON (only in the JSON format).
        case json(String)
    }

    /// One record in the chosen format; text is escaped (JSON as JSON, the rest for a terminal).
    private func line(_ fields: [(String, Field)]) -> String {
        switch format {
        case .json:
            return "{" + fields.map { name, field in
                let value: String
                switch field {
                case let .text(text): value = JSON.string(text)
                case let .number(number): value = ValueFormat.number(number)
                case let .time(time): value = JSON.string(JSON.timestamp(Date(timeIntervalSince1970: time)))
                case let .flag(flag): value = flag ? "true" : "false"
                case let .json(json): value = json
                }
                return JSON.string(name) + ":" + value
            }.joined(separator: ",") + "}\n"
        case .csv, nil:
            let separator = format == .csv ? "," : " "
            return fields.map { _, field in
                switch field {
                case let .text(text):
                    let escaped = TerminalEscaping.escaped(Array(text.utf8), keepNewlines: false)
                    return format == .csv ? "\"" + escaped.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : escaped
                case let .number(number): return ValueFormat.number(number)
                case let .time(time): return JSON.timestamp(Date(timeIntervalSince1970: time))
                case let .flag(flag): return flag ? "1" : "0"
                case let .json(json): return json
                }
            }.joined(separator: separator) + "\n"
        }
    }
}
