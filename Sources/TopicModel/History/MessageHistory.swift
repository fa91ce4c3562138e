import DequeModule

/// A topic's older messages, newest last, bounded by count and by bytes.
public struct MessageHistory: Sendable {
    public private(set) var messages = Deque<StoredMessage>()
    public private(set) var bytes = 0
    /// Per-topic sequence number of `messages.first`; the model's global trimming queue refers to it.
    public private(set) var oldestSequence: UInt64 = 0

    /// The sequence number the next appended message gets.
    var nextSequence: UInt64 { oldestSequence + UInt64(messages.count) }

    /// Appends a message and drops the oldest beyond the bounds; returns how many were dropped and their bytes.
    mutating func append(_ message: StoredMessage, maxCount: Int, maxBytes: Int) -> (dropped: Int, bytes: Int) {
        // Four at first, not one: a topic that speaks at all speaks again, and each doubling from
        // one would be an allocation and a copy of its own.
        if messages.isEmpty { messages.reserveCapacity(min(maxCount, 4)) }
        messages.append(message)
        bytes += message.cost
        var dropped = 0, freed = 0
        while !messages.isEmpty, messages.count > maxCount || bytes > maxBytes {
            freed += dropOldest()
            dropped += 1
        }
        return (dropped, freed)
    }

    /// Drops the oldest message; returns the bytes freed.
    @discardableResult
    mutating func dropOldest() -> Int {
        guard let oldest = messages.popFirst() else { return 0 }
        bytes -= oldest.cost
        oldestSequence += 1
        return oldest.cost
    }
}
