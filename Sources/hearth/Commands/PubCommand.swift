import ArgumentParser
import Foundation
import MQTT

/// `hearth pub`: publish one message, like mosquitto_pub.
struct PubCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pub",
        abstract: "Publish one message and wait until the broker has it (like mosquitto_pub).",
        discussion: """
            Examples:
              hearth pub -t home/heater/set -m ON -q 1
              hearth pub -t home/door/state -m closed -r
              hearth pub -t home/door/state -r -n      (clears the retained value)
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

    @Flag(name: [.customShort("n"), .customLong("null-message")], help: "Send an empty payload.")
    var null = false

    @Option(name: [.customShort("q"), .long], help: "QoS: 0, 1 or 2.")
    var qos: Int = 0

    @Flag(name: [.customShort("r"), .long], help: "Retain the message (with -n: clear the retained value).")
    var retain = false

    func validate() throws {
        guard (0...2).contains(qos) else { throw ValidationError("-q must be 0, 1 or 2") }
        let sources = [message != nil, file != nil, stdin, null].filter { $0 }.count
        guard sources == 1 else { throw ValidationError("give exactly one of -m, -f, -s or -n") }
        guard let topic = try topic ?? connection.urlTopic() else {
            throw ValidationError("give a topic with -t (or in the -L URL)")
        }
        if let problem = MQTTTopic.nameProblem(topic) { throw ValidationError("invalid topic '\(topic)': \(problem)") }
    }

    func run() async throws {
        let payload = try readPayload()
        let client = MQTTClient(configuration: try connection.makeConfiguration(reconnect: .never))
        try await client.connect()
        do {
            try await client.publish(to: try topic ?? connection.urlTopic() ?? "", payload: payload,
                                     qos: MQTTQoS(rawValue: UInt8(qos)) ?? .atMostOnce, retain: retain)
        } catch {
            await client.disconnect()
            throw error
        }
        await client.disconnect()
    }

    private func readPayload() throws -> [UInt8] {
        if let message { return Array(message.utf8) }
        if let file {
            guard let data = FileManager.default.contents(atPath: file) else {
                throw ValidationError("cannot read \(file)")
            }
            return Array(data)
        }
        if stdin { return Array(FileHandle.standardInput.readDataToEndOfFile()) }
        return []
    }
}
