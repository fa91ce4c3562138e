import TopicModel

/// Messages of the selected topic older than the model's own, paged in from the history store
/// as the history table is scrolled to its end.
public struct OlderMessages: Sendable {
    /// Messages read per page.
    public static let pageSize = 100
    /// At most this many are shown; `hearth history` prints the rest.
    public static let limit = 1_000

    public var topic: String
    /// Newest first, each older than the model's oldest message of the topic.
    public var messages: [StoredMessage] = []
    /// Where the next page starts: the store's time and id of the last message read.
    public var cursor: (time: Double, id: Int64)?
    public var isReading = false
    /// The store has nothing older.
    public var reachedStart = false

    static let readingNote = "… reading older messages from the store"

    /// What the history table says after these messages.
    var note: String? {
        if isReading { return Self.readingNote }
        if reachedStart { return "the recording starts here" }
        if messages.count >= Self.limit { return "\(Self.limit) recorded messages shown: hearth history prints them all" }
        return nil
    }

    /// Whether another page may be read.
    var wantsMore: Bool { !isReading && !reachedStart && messages.count < Self.limit }
}
