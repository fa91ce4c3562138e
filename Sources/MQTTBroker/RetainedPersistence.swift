import Dispatch
import Foundation
import MQTT
import Synchronization

/// Keeps the retained messages on disk without the event loop ever waiting for it.
///
/// The loop hands over each change (O(1), under a lock held for an append); a queue of its own
/// applies them to its copy of the retained messages and, every save interval, writes that copy
/// to a temporary file renamed over the old one. After `kill -9`, what was retained one interval
/// before is on disk.
final class RetainedPersistence: Sendable {
    let path: String
    /// Changes handed over by the loop, not yet applied to the copy.
    private let changes = Mutex<[PublishPacket]>([])
    /// The saver's own copy (touched only on `queue`), and whether it differs from the file.
    private let copy: Mutex<(messages: [String: BrokerMessage], unsaved: Bool)>
    private let queue = DispatchQueue(label: "hearth-broker-persistence")
    private let report: @Sendable (String) -> Void

    init(path: String, retained: [String: BrokerMessage], report: @escaping @Sendable (String) -> Void) {
        self.path = path
        copy = Mutex((retained, false))
        self.report = report
    }

    /// A retained message stored or (empty payload) cleared, outside `$SYS`.
    func changed(_ packet: PublishPacket) {
        changes.withLock { $0.append(packet) }
    }

    /// Writes in the background, if anything changed.
    func saveInBackground() {
        queue.async { self.save() }
    }

    /// Writes now and waits (the broker is stopping).
    func saveAndWait() {
        queue.sync { save() }
    }

    private func save() {
        let taken = changes.withLock { changes in
            defer { changes = [] }
            return changes
        }
        let snapshot = copy.withLock { copy -> [String: BrokerMessage]? in
            for packet in taken { copy.messages[packet.topic] = packet.payload.isEmpty ? nil : BrokerMessage(packet) }
            guard copy.unsaved || !taken.isEmpty else { return nil }
            copy.unsaved = false
            return copy.messages
        }
        guard let snapshot else { return }
        do {
            try RetainedStore.save(snapshot, to: path)
        } catch {
            // Tried again at the next interval.
            copy.withLock { $0.unsaved = true }
            report("cannot save retained messages to \(path): \(RetainedStore.describe(error))")
        }
    }
}
