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
    /// What one config says: the state topic it describes, its label and its availability rules.
    struct Config: Sendable, Hashable {
        var stateTopic: String
        var label: SeriesLabel
        var availability: [AvailabilityRule]
    }

    /// The config a message carries, or nil when the message is not such a config.
    static func config(topic configTopic: String, payload: [UInt8]) -> Config? {
        let levels = configTopic.split(separator: "/", omittingEmptySubsequences: false)
        guard levels.count >= 4, levels.count <= 5, levels.first == "homeassistant", levels.last == "config",
              payload.count <= 64 * 1024,
              let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any] else { return nil }
        let base = object["~"] as? String
        // "~" abbreviates a base topic [Home Assistant MQTT discovery].
        func expanded(_ topic: String) -> String {
            guard let base else { return topic }
            if topic.hasPrefix("~") { return base + topic.dropFirst() }
            if topic.hasSuffix("~") { return topic.dropLast() + base }
            return topic
        }
        func string(_ object: [String: Any], _ keys: String...) -> String? {
            for key in keys { if let value = object[key] as? String { return value } }
            return nil
        }
        guard let rawState = string(object, "state_topic", "stat_t") else { return nil }
        let stateTopic = expanded(rawState)
        guard MQTTTopic.nameProblem(stateTopic) == nil else { return nil }
        let label = SeriesLabel(unit: string(object, "unit_of_measurement", "unit_of_meas"),
                                deviceClass: string(object, "device_class", "dev_cla"), name: string(object, "name"))
        // One availability topic, or a list; payloads default to online/offline.
        let available = string(object, "payload_available", "pl_avail") ?? "online"
        let notAvailable = string(object, "payload_not_available", "pl_not_avail") ?? "offline"
        var sources: [(topic: String, available: String, notAvailable: String)] = []
        if let topic = string(object, "availability_topic", "avty_t") { sources.append((topic, available, notAvailable)) }
        for entry in (object["availability"] ?? object["avty"]) as? [[String: Any]] ?? [] {
            guard let topic = string(entry, "topic", "t") else { continue }
            sources.append((topic, string(entry, "payload_available", "pl_avail") ?? available,
                            string(entry, "payload_not_available", "pl_not_avail") ?? notAvailable))
        }
        let rules = sources.prefix(8).compactMap { source -> AvailabilityRule? in
            let topic = expanded(source.topic)
            guard MQTTTopic.nameProblem(topic) == nil else { return nil }
            return AvailabilityRule(config: configTopic, topic: topic, available: source.available,
                                    notAvailable: source.notAvailable, stateTopic: stateTopic)
        }
        return Config(stateTopic: stateTopic, label: label, availability: rules)
    }
}
