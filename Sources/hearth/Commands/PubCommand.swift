import ArgumentParser
import HearthKit
import Foundation
import MQTT

/// `hearth pub`: publish one message, like mosquitto_pub.
struct PubCommand: AsyncParsableCommand, ConnectingCommand {
    static let configuration = CommandConfiguration(
        commandName: "pub",
        abstract: "Publish a message and wait until the broker has it (like mosquitto_pub).",
        discussion: """
            Examples:
              hearth pub -t home/heater/set -m ON -q 1
              hearth pub -t home/door/state -m closed -r
              hearth pub -t home/door/state -r -n      (clears the retained value)
              tail -f readings.log | hearth pub -t home/log -l   (a message per line, as lines come)
            """,
        helpNames: [.long])

    @OptionGroup var connection: ConnectionOptions

    @Option(name: [.customShort("t"), .customLong("topic")], help: "Topic to publish to.")
    var topic: String?

    @Option(name: [.customShort("m"), .customLong("message")], help: "The payload.")
    var message: String?

    @Option(name: [.customShort("f"), .customLong("file")], help: "Send the contents of a file.")
    var file: String?

    @Flag(name: [.customShort("s"), .customLong("stdin-file")], help: "Send all of standard input.")
    var stdin = false

    @Flag(name: [.customShort("l"), .customLong("stdin-line")], help: "Send each line of standard input as a message, as it comes.")
    var lines = false

    @Flag(name: [.customShort("n"), .customLong("null-message")], help: "Send an empty payload.")
    var null = false

    @Option(name: [.customShort("q"), .long], help: "QoS: 0, 1 or 2.")
    var qos: MQTTQoS = .atMostOnce

    @Flag(name: [.customShort("r"), .long], help: "Retain the message (with -n: clear the retained value).")
    var retain = false

    func validate() throws {
        let sources = [message != nil, file != nil, stdin, lines, null].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of -m, -f, -s, -l or -n") }
        guard let topic = try topic ?? connection.urlTopic() else {
            throw ValidationError("give a topic with -t (or in the -L URL)")
        }
        if let problem = MQTTTopic.sendingProblem(topic) { throw ValidationError("invalid topic '\(topic)': \(problem)") }
    }

    func run() async throws {
        // A file too large for any packet is refused before connecting.
        if let file { try PayloadInput.checkSize(of: file, limit: Self.largestPacket) }
        try await MQTTClient.withConnection(try connection.makeConfiguration(reconnect: .never)) { client, info in
            let topic = try topic ?? connection.urlTopic() ?? ""
            // Never read more than the broker accepts, plus one byte to know it was more.
            let limit = info.maximumPacketSize ?? Self.largestPacket
            if lines {
                // As mosquitto_pub -l: each line without its newline, an empty one too, and a last
                // line without a newline.
                var reader = LineReader(FileHandle.standardInput, limit: limit)
                while let line = try reader.next() {
                    try await client.publish(to: topic, payload: line, qos: qos, retain: retain)
                }
                return
            }
            try await client.publish(to: topic, payload: try readPayload(limit: limit), qos: qos, retain: retain)
        }
    }

    /// The largest packet MQTT can carry (its remaining length is at most 268,435,455 bytes).
    static let largestPacket = 268_435_455 + 5

    private func readPayload(limit: Int) throws -> [UInt8] {
        if let message { return Array(message.utf8) }
        if let file { return try PayloadInput.file(file, limit: limit) }
        if stdin { return try PayloadInput.stream(FileHandle.standardInput, named: "standard input", limit: limit) }
        return []
    }
}
