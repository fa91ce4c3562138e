import Foundation
import MQTT

/// What Home Assistant discovery says about a state topic: its unit, device class and name.
public struct SeriesLabel: Sendable, Hashable {
    public var unit: String?
    public var deviceClass: String?
    public var name: String?
}

/// Reads Home Assistant MQTT discovery configs (`homeassistant/<component>/[<node>/]<object>/config`).
enum HomeAssistantDiscovery {
    /// The state topic a config labels, and the label, or nil when the message is not such a config.
    static func label(topic: String, payload: [UInt8]) -> (stateTopic: String, label: SeriesLabel)? {
        let levels = topic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count >= 4, levels.count <= 5, levels.first == "homeassistant", levels.last == "config",
              payload.count <= 64 * 1024,
              let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { return nil }
        func string(_ keys: String...) -> String? {
            for key in keys { if let value = object[key] as? String { return value } }
            return nil
        }
        guard var stateTopic = string("state_topic", "stat_t") else { return nil }
        // "~" abbreviates a base topic [Home Assistant MQTT discovery].
        if let base = string("~") {
            if stateTopic.hasPrefix("~") { stateTopic = base + stateTopic.dropFirst() }
            else if stateTopic.hasSuffix("~") { stateTopic = stateTopic.dropLast() + base }
        }
        guard MQTTTopic.nameProblem(stateTopic) == nil else { return nil }
        let label = SeriesLabel(unit: string("unit_of_measurement", "unit_of_meas"),
                                deviceClass: string("device_class", "dev_cla"), name: string("name"))
        return (stateTopic, label)
    }
}

