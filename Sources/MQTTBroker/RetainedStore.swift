import Foundation
import MQTT

/// The broker's retained messages, by topic, with their file form for `--persist`.
struct RetainedStore {
    private(set) var messages: [String: BrokerMessage] = [:]
    /// Set when something changed since the last save.
    private(set) var isDirty = false

    var count: Int { messages.count }

    /// Stores or (empty payload) removes the retained message of a topic.
    mutating func apply(_ packet: PublishPacket) {
        var stored = packet
        stored.dup = false
        stored.packetID = nil
        if packet.payload.isEmpty {
            if messages.removeValue(forKey: packet.topic) != nil, !packet.topic.hasPrefix("$SYS") { isDirty = true }
        } else {
            messages[packet.topic] = BrokerMessage(stored)
            if !packet.topic.hasPrefix("$SYS") { isDirty = true }
        }
    }

    /// The retained messages a new subscription gets, in topic order; expired ones are dropped.
    mutating func matching(_ filter: String) -> [PublishPacket] {
        var found: [PublishPacket] = []
        for (topic, message) in messages where MQTTTopic.matches(filter: filter, topic: topic) {
            if let packet = message.forwarded() { found.append(packet) } else { messages[topic] = nil }
        }
        return found.sorted { $0.topic < $1.topic }
    }

    // MARK: Persistence

    private struct Saved: Codable {
        var topic: String
        var payload: Data
        var qos: UInt8
    }

    /// Writes every retained message but `$SYS` to `path`, atomically.
    mutating func save(to path: String) throws {
        let saved = messages.values.compactMap { $0.forwarded() }.filter { !$0.topic.hasPrefix("$SYS") }.sorted { $0.topic < $1.topic }
            .map { Saved(topic: $0.topic, payload: Data($0.payload), qos: $0.qos.rawValue) }
        try JSONEncoder().encode(saved).write(to: URL(fileURLWithPath: path), options: .atomic)
        isDirty = false
    }

    /// Reads what `save` wrote; a missing file is an empty store.
    static func load(from path: String) throws -> RetainedStore {
        var store = RetainedStore()
        guard FileManager.default.fileExists(atPath: path) else { return store }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let saved: [Saved]
        do {
            saved = try JSONDecoder().decode([Saved].self, from: data)
        } catch {
            throw BrokerError("cannot read retained messages from \(path): not a file written by hearth broker")
        }
        for entry in saved where MQTTTopic.nameProblem(entry.topic) == nil {
            store.messages[entry.topic] = BrokerMessage(PublishPacket(
                topic: entry.topic, payload: Array(entry.payload), qos: MQTTQoS(rawValue: min(entry.qos, 2)) ?? .atMostOnce, retain: true))
        }
        return store
    }
}
