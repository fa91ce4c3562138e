import DequeModule

/// A topic's recent messages, newest last, bounded by count and by bytes.
public struct MessageHistory: Sendable {
    public private(set) var messages = Deque<StoredMessage>()
    public private(set) var bytes = 0
    /// Sequence number of `messages.first`, for the model's global trimming.
    private(set) var firstSequence: UInt64 = 0

    /// Appends a message and drops the oldest beyond the bounds; returns the bytes freed.
    mutating func append(_ message: StoredMessage, sequence: UInt64, maxCount: Int, maxBytes: Int) -> Int {
        if messages.isEmpty { firstSequence = sequence }
        messages.append(message)
        bytes += message.cost
        var freed = 0
        while messages.count > 1, messages.count > maxCount || bytes > maxBytes {
            freed += dropOldest()
        }
        return freed
    }

    /// Drops the oldest message; returns the bytes freed.
    @discardableResult
    mutating func dropOldest() -> Int {
        guard let oldest = messages.popFirst() else { return 0 }
        bytes -= oldest.cost
        firstSequence += 1
        return oldest.cost
    }

    /// The sequence number the oldest message was appended with.
    var oldestSequence: UInt64? { messages.isEmpty ? nil : firstSequence }
}
