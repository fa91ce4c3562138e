import Foundation
import MQTT

/// The broker's retained messages in a topic trie, with their file form for `--persist`.
///
/// A subscription walks the trie once per filter, so its cost grows with what matches, not with
/// the number of retained messages.
final class RetainedStore {
    private let trie = TopicTrie<BrokerMessage>()
    /// Retained messages outside `$SYS`, which `$SYS/broker/retained messages/count` reports.
    private(set) var userCount = 0

    /// Stores or (empty payload) removes the retained message of a topic; returns whether the
    /// stored set changed outside `$SYS` (what persistence keeps).
    @discardableResult
    func apply(_ packet: PublishPacket) -> Bool {
        var stored = packet
        stored.dup = false
        stored.packetID = nil
        let removing = packet.payload.isEmpty
        let existed = trie.update(packet.topic) { value -> Bool in
            defer { value = removing ? nil : BrokerMessage(stored) }
            return value != nil
        }
        guard !packet.topic.hasPrefix("$SYS") else { return false }
        userCount += (removing ? 0 : 1) - (existed ? 1 : 0)
        return existed || !removing
    }

    /// The retained messages a new subscription gets, in topic order; expired ones are dropped.
    func matching(_ filter: String) -> [PublishPacket] {
        var found: [PublishPacket] = []
        var expired: [String] = []
        trie.forEachMatch(of: filter) { node in
            if let message = node.value, let packet = message.forwarded() { found.append(packet) } else if let message = node.value { expired.append(message.packet.topic) }
        }
        for topic in expired { apply(PublishPacket(topic: topic, payload: [], retain: true)) }
        return found.sorted { $0.topic < $1.topic }
    }

    /// Every retained message but `$SYS`'s, by topic: what persistence starts from. (Other
    /// topics that start with `$` are kept: only `$SYS` is the broker's own.)
    func userMessages() -> [String: BrokerMessage] {
        var all: [String: BrokerMessage] = [:]
        trie.forEachValue { message in
            if !message.packet.topic.hasPrefix("$SYS") { all[message.packet.topic] = message }
        }
        return all
    }

    // MARK: Persistence

    private struct Saved: Codable {
        var topic: String
        var payload: Data
        var qos: UInt8
    }

    /// Writes the messages that have not expired to `path`, atomically (a temporary file
    /// renamed over it).
    static func save(_ messages: [String: BrokerMessage], to path: String) throws {
        let saved = messages.values.compactMap { $0.forwarded() }.sorted { $0.topic < $1.topic }
            .map { Saved(topic: $0.topic, payload: Data($0.payload), qos: $0.qos.rawValue) }
        try JSONEncoder().encode(saved).write(to: URL(fileURLWithPath: path), options: .atomic)
    }

    /// Throws, as one line, when `path` cannot be written: its folder is missing or not writable.
    /// Checked at start, so a mistyped `--persist` is not found only at the first save.
    static func checkWritable(_ path: String) throws {
        let folder = (path as NSString).deletingLastPathComponent.isEmpty ? "." : (path as NSString).deletingLastPathComponent
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
            throw BrokerError("cannot save retained messages to \(path): there is no folder \(folder)")
        }
        guard FileManager.default.isWritableFile(atPath: folder) else {
            throw BrokerError("cannot save retained messages to \(path): \(folder) is not writable")
        }
    }

    /// A save's error as a few words ("No space left on device"), not Foundation's dump.
    static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return String(cString: strerror(Int32(underlying.code)))
        }
        if let cocoa = error as? CocoaError {
            switch cocoa.code {
            case .fileNoSuchFile: return String(cString: strerror(ENOENT))
            case .fileWriteNoPermission: return String(cString: strerror(EACCES))
            case .fileWriteOutOfSpace: return String(cString: strerror(ENOSPC))
            default: break
            }
        }
        return nsError.localizedDescription
    }

    /// Reads what `save` wrote; a missing file is an empty store.
    static func load(from path: String) throws -> RetainedStore {
        let store = RetainedStore()
        guard FileManager.default.fileExists(atPath: path) else { return store }
        let saved: [Saved]
        do {
            saved = try JSONDecoder().decode([Saved].self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        } catch {
            throw BrokerError("cannot read retained messages from \(path): not a file written by hearth broker")
        }
        for entry in saved where MQTTTopic.nameProblem(entry.topic) == nil && !entry.payload.isEmpty {
            store.apply(PublishPacket(topic: entry.topic, payload: Array(entry.payload), qos: MQTTQoS(rawValue: min(entry.qos, 2)) ?? .atMostOnce,
                                      retain: true))
        }
        return store
    }
}
