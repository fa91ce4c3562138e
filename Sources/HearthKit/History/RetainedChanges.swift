import HistoryStore

/// When a topic's retained value was set, changed or cleared, from its recorded messages.
public enum RetainedChanges {
    /// What happened to the retained value.
    public enum Change: String, Sendable {
        /// Held for the first time, or again after a clear.
        case set
        case changed
        /// An empty retained payload.
        case cleared
    }

    /// Each retained message among `messages` (oldest first) whose payload differs from the
    /// retained one before it, with what it did.
    public static func of(_ messages: [RecordedMessage]) -> [(RecordedMessage, Change)] {
        var previous: [UInt8]?
        return messages.compactMap { message in
            guard message.retain, message.payload != previous else { return nil }
            defer { previous = message.payload }
            if message.payload.isEmpty { return (message, .cleared) }
            return (message, previous == nil || previous?.isEmpty == true ? .set : .changed)
        }
    }
}
