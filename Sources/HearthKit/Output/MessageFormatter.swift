import Foundation
import MQTT
import TextFormat

/// How `hearth sub` prints each message.
public enum MessageFormat: Sendable {
    /// The payload alone (mosquitto_sub's default).
    case payload
    /// `topic payload` (mosquitto_sub -v).
    case verbose
    /// One JSON object per line.
    case json
    /// A mosquitto_sub `-F` format string.
    case template(MosquittoFormat)
}

/// Renders messages for `hearth sub`.
public struct MessageFormatter: Sendable {
    public let format: MessageFormat
    /// Escape control bytes: set when printing to a terminal.
    public let escape: Bool
    /// End each message with a newline (mosquitto_sub's `-N` turns it off).
    public let newline: Bool
    /// Indent JSON (`--pretty`).
    public let pretty: Bool
    /// The broker's name, with several brokers: it leads each `-v` line and is a JSON field.
    public let broker: String?

    public init(format: MessageFormat, escape: Bool, newline: Bool = true, pretty: Bool = false, broker: String? = nil) {
        self.format = format
        self.escape = escape
        self.newline = newline
        self.pretty = pretty
        self.broker = broker
    }

    /// Writes one message; false when a `%J` format met a payload that is not JSON (the rest is
    /// written, as mosquitto_sub does, and the caller says so on stderr).
    @discardableResult
    public func write(_ message: MQTTMessage, to output: inout OutputWriter) -> Bool {
        var complete = true
        switch format {
        case .payload:
            writePayload(message.payload, to: &output)
        case .verbose:
            if let broker {
                output.write(escape ? TerminalEscaping.escaped(Array(broker.utf8), keepNewlines: false) : broker)
                output.write(CollectionOfOne(UInt8(ascii: " ")))
            }
            output.write(escape ? TerminalEscaping.escaped(Array(message.topic.utf8), keepNewlines: false) : message.topic)
            output.write(CollectionOfOne(UInt8(ascii: " ")))
            writePayload(message.payload, to: &output)
        case .json:
            let line = json(message)
            if pretty { output.write(JSON.reformatted(Array(line.utf8), indented: true)) } else { output.write(line) }
        case let .template(template):
            var bytes: [UInt8] = []
            complete = template.render(message, pretty: pretty, escape: escape, into: &bytes)
            output.write(bytes)
        }
        if newline { output.write(CollectionOfOne(UInt8(ascii: "\n"))) }
        return complete
    }

    private func writePayload(_ payload: [UInt8], to output: inout OutputWriter) {
        if escape { output.write(TerminalEscaping.escaped(payload)) } else { output.write(payload) }
    }

    // MARK: JSON

    /// `{"topic":…,"payload":…,"qos":…,"retain":…,"dup":…,"received_at":…,"properties":{…}}`
    public func json(_ message: MQTTMessage) -> String {
        var out = JSON.topicObject(message.topic, broker: broker)
        if let text = String(validating: message.payload, as: UTF8.self) {
            out += ",\"payload\":"
            JSON.appendString(text, to: &out)
        } else {
            out += ",\"payload\":\"" + Data(message.payload).base64EncodedString() + "\",\"payload_encoding\":\"base64\""
        }
        out += ",\"qos\":\(message.qos.rawValue),\"retain\":\(message.retain),\"dup\":\(message.dup)"
        out += ",\"received_at\":\"" + JSON.timestamp(message.receivedAt) + "\""
        if !message.properties.isEmpty {
            out += ",\"properties\":" + JSON.properties(message.properties)
        }
        out += "}"
        return out
    }
}
