import Foundation
import MQTT
import TextFormat

/// How `hearth sub` prints each message.
public enum MessageFormat: String, CaseIterable, Sendable {
    /// The payload alone (mosquitto_sub's default).
    case payload
    /// `topic payload` (mosquitto_sub -v).
    case verbose
    /// One JSON object per line.
    case json
}

/// Renders messages for `hearth sub`.
public struct MessageFormatter: Sendable {
    public let format: MessageFormat
    /// Escape control bytes: set when printing to a terminal.
    public let escape: Bool

    public init(format: MessageFormat, escape: Bool) {
        self.format = format
        self.escape = escape
    }

    public func write(_ message: MQTTMessage, to output: inout OutputWriter) {
        switch format {
        case .payload:
            writePayload(message.payload, to: &output)
        case .verbose:
            output.write(escape ? TerminalEscaping.escaped(Array(message.topic.utf8), keepNewlines: false) : message.topic)
            output.write(CollectionOfOne(UInt8(ascii: " ")))
            writePayload(message.payload, to: &output)
        case .json:
            output.write(json(message))
        }
        output.write(CollectionOfOne(UInt8(ascii: "\n")))
    }

    private func writePayload(_ payload: [UInt8], to output: inout OutputWriter) {
        if escape { output.write(TerminalEscaping.escaped(payload)) } else { output.write(payload) }
    }

    // MARK: JSON

    /// `{"topic":…,"payload":…,"qos":…,"retain":…,"dup":…,"received_at":…,"properties":{…}}`
    public func json(_ message: MQTTMessage) -> String {
        var out = "{\"topic\":"
        JSON.appendString(message.topic, to: &out)
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
