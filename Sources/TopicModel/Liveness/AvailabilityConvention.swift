import Foundation

/// The availability conventions of real homes: which topics announce that a device is online or
/// offline, which devices (branches) they describe, and how to read their payloads.
///
/// | convention | topic | payload |
/// |---|---|---|
/// | zigbee2mqtt | `<base>/<device>/availability` | `online`/`offline`, or `{"state":"online"}` |
/// | Tasmota | `tele/<device>/LWT` (also marks `stat/<device>`) | `Online`/`Offline` |
/// | ESPHome | `<node>/status` | `online`/`offline` |
/// | Shelly Gen2 | `<device>/online` | `true`/`false` |
/// | generic | `status`, `availability`, `LWT`, `online`, `connected`, `state` | an online/offline word |
///
/// Home Assistant discovery names its own availability topics and payloads (`HomeAssistantDiscovery`).
enum AvailabilityConvention {
    /// Last levels that announce availability.
    static let names: Set<String> = ["status", "availability", "LWT", "online", "connected", "state"]

    /// The devices a topic announces, as paths: its parent, and for Tasmota the `stat` twin.
    /// Nil when the topic is not an availability topic by name.
    static func devices(of topic: String) -> [String]? {
        guard let slash = topic.utf8.lastIndex(of: UInt8(ascii: "/")) else { return nil }
        let name = String(topic[topic.index(after: slash)...])
        guard names.contains(name) else { return nil }
        let device = String(topic[..<slash])
        guard !device.isEmpty else { return nil }
        // Tasmota: tele/<device>/LWT speaks for stat/<device> too.
        if name == "LWT", device.hasPrefix("tele/"), !device.dropFirst(5).contains("/") {
            return [device, "stat/" + device.dropFirst(5)]
        }
        return [device]
    }

    /// Whether a payload says online (true), offline (false), or neither (nil).
    ///
    /// `state` also carries switch states (`1`, `true`), so only unambiguous words count there.
    static func reading(_ payload: [UInt8], topicName name: String) -> Bool? {
        guard payload.count <= 256 else { return nil }
        var word = String(decoding: payload, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
        if word.hasPrefix("{"), let object = try? JSONSerialization.jsonObject(with: Data(payload)) as? [String: Any],
           let state = object["state"] as? String {
            // zigbee2mqtt's JSON form: {"state":"online"}.
            word = state
        }
        switch word.lowercased() {
        case "online", "connected": return true
        case "offline", "disconnected": return false
        case "true", "1": return name == "state" ? nil : true
        case "false", "0": return name == "state" ? nil : false
        default: return nil
        }
    }
}
