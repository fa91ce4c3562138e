import DequeModule
import TopicModel

/// Messages of the selected topic older than the model's own: paged in from the history store
/// as the history table is scrolled to its end, and kept as the model lets its oldest go.
public struct OlderMessages: Sendable {
    /// Messages read per page.
    public static let pageSize = 100
    /// At most this many are shown; `hearth history` prints the rest.
    public static let limit = 1_000

    /// A page to read: where it starts, and which reading of which table it is for (a reply to
    /// an earlier one, for a table since left, is dropped).
    public struct Request: Sendable {
        public let topic: String
        /// The page holds messages before this time (and, at this time, before row `id`;
        /// `Int64.max` for the first page, which starts at the model's oldest message).
        public let before: Double
        public let id: Int64
        public let generation: Int
    }

    public var topic: String
    /// Which reading of a table this is: each selection starts a new one.
    public var generation: Int
    /// Newest first, each older than the model's oldest message of the topic.
    public var messages: [StoredMessage] = []
    /// Where the next page starts: the store's time and id of the last message read.
    public var cursor: (time: Double, id: Int64)?
    public var isReading = false
    /// The store has nothing older.
    public var reachedStart = false
    /// The model's history at the last frame, and the sequence number of its oldest: what the
    /// model drops while pages are shown moves here, so the table has no gap.
    var modelHistory: Deque<StoredMessage> = []
    var modelOldestSequence: UInt64?

    static let readingNote = "… reading older messages from the store"

    /// What the history table says after these messages.
    var note: String? {
        if isReading { return Self.readingNote }
        if messages.count >= Self.limit { return "\(Self.limit) older messages shown: hearth history prints them all" }
        if reachedStart { return "the recording starts here" }
        return nil
    }

    /// Whether another page may be read.
    var wantsMore: Bool { !isReading && !reachedStart && messages.count < Self.limit }

    /// Moves the messages the model dropped since the last frame in front of the recorded ones.
    mutating func follow(_ history: MessageHistory) {
        if let previous = modelOldestSequence, history.oldestSequence > previous, cursor != nil || !messages.isEmpty {
            let dropped = modelHistory.prefix(Int(min(history.oldestSequence - previous, UInt64(modelHistory.count))))
            messages.insert(contentsOf: dropped.reversed(), at: 0)
        }
        modelHistory = history.messages
        modelOldestSequence = history.oldestSequence
    }
}
