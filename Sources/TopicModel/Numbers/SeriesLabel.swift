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
        /// The JSON field the config describes (its `value_template`), "" for the whole payload.
        var field: String
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
        let field = string(object, "value_template", "val_tpl").flatMap(jsonField) ?? ""
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
        return Config(stateTopic: stateTopic, field: field, label: label, availability: rules)
    }

    /// The JSON path a value template reads: `{{ value_json.temperature }}`,
    /// `{{ value_json['AM2301']['Temperature'] | float }}` → "temperature", "AM2301.Temperature".
    static func jsonField(_ template: String) -> String? {
        guard let start = template.range(of: "value_json") else { return nil }
        var rest = template[start.upperBound...]
        var keys: [String] = []
        while let first = rest.first {
            if first == "." {
                let key = rest.dropFirst().prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" }
                guard !key.isEmpty else { break }
                keys.append(String(key))
                rest = rest.dropFirst(1 + key.count)
            } else if first == "[", let quote = rest.dropFirst().first, quote == "'" || quote == "\"" {
                let key = rest.dropFirst(2).prefix { $0 != quote }
                keys.append(String(key))
                rest = rest.dropFirst(2 + key.count + 2)
            } else {
                break
            }
        }
        return keys.isEmpty ? nil : keys.joined(separator: ".")
    }

    /// The key `labels` keeps a label under: the state topic, and the field when there is one
    /// (U+0000 cannot occur in a topic).
    static func labelKey(_ stateTopic: String, field: String) -> String {
        field.isEmpty ? stateTopic : stateTopic + "\u{0}" + field
    }
}
