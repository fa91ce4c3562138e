import MQTT

/// Everything the model keeps for one topic (a path that received messages).
public struct TopicRecord: Sendable {
    // Fields are ordered so that the small ones fill the gaps between the wide ones: a million
    // topics pay for every byte here (`hearth-model-bench --layout` prints the size).

    /// The newest message.
    public internal(set) var last: StoredMessage
    /// Older messages, newest last (bounded by count and bytes).
    public internal(set) var history = MessageHistory()
    public internal(set) var messageCount = 0
    public let firstSeen: Double
    /// The first numeric message's value when it is one plain number (see `firstNumbers`).
    var firstPlainNumber = Double.nan
    /// What only some topics need, behind one pointer.
    var extras = TopicExtras()
    /// When it last spoke, its usual interval, and whether it went quiet.
    public internal(set) var liveness = Liveness()
    public internal(set) var retained: RetainedState = .none
    /// Whether this topic announces a device's availability (by its name, or a discovery config).
    var announcesAvailability = false
    /// What this topic counts in its branches' reading counts (see `TopicModel+Readings`).
    var counted = CountedReadings()
    public let node: NodeID

    /// The retained value still held while a newer live value is shown (state `.held`).
    public internal(set) var heldRetained: StoredMessage? {
        get { extras.heldRetained }
        set { extras.heldRetained = newValue }
    }

    /// The unit a plain payload last carried ("°C" of "21.5 °C"), kept when later payloads
    /// have none.
    public internal(set) var plainUnit: String? {
        get { extras.plainUnit }
        set { extras.plainUnit = newValue }
    }

    /// Numeric series, created once the topic has sent numbers twice.
    public internal(set) var series: SeriesSet? {
        get { extras.series }
        _modify { yield &extras.series }
    }

    /// The numbers of the newest payload while there is no series yet (a topic's first numeric
    /// message), so that queries never parse a payload again. A plain number (the most common
    /// case) is kept inline; JSON fields go behind the extras pointer.
    public internal(set) var firstNumbers: [(path: String, value: Double)] {
        get { firstPlainNumber.isNaN ? extras.firstNumbers : [("", firstPlainNumber)] }
        set {
            if newValue.count == 1, newValue[0].path.isEmpty, !newValue[0].value.isNaN {
                firstPlainNumber = newValue[0].value
                extras.firstNumbers = []
            } else {
                firstPlainNumber = .nan
                extras.firstNumbers = newValue
            }
        }
    }

    /// How many numeric fields the topic has (its series' paths, else its first numbers), read in
    /// place: ingest asks on every message.
    var fieldCount: Int {
        if let count = extras.seriesPathCount { return count }
        return firstPlainNumber.isNaN ? extras.firstNumberCount : 1
    }
}

/// A topic's rarely-needed state (a held retained value, numeric series) in one copy-on-write
/// box: a topic that needs neither pays one nil pointer.
struct TopicExtras: Sendable {
    struct Values: Sendable {
        var heldRetained: StoredMessage?
        var series: SeriesSet?
        var firstNumbers: [(path: String, value: Double)] = []
        var plainUnit: String?
    }

    private final class Storage: @unchecked Sendable {
        // Mutated only through `values`, after a uniqueness check: value semantics hold.
        var values: Values
        init(_ values: Values) { self.values = values }
    }

    private var storage: Storage?

    var heldRetained: StoredMessage? {
        get { storage?.values.heldRetained }
        set {
            // Clearing what is already clear must not copy or retain the shared storage.
            if newValue == nil, storage?.values.heldRetained == nil { return }
            unique().values.heldRetained = newValue
        }
    }

    var firstNumbers: [(path: String, value: Double)] {
        get { storage?.values.firstNumbers ?? [] }
        set {
            if newValue.isEmpty, storage?.values.firstNumbers.isEmpty ?? true { return }
            unique().values.firstNumbers = newValue
        }
    }

    var plainUnit: String? {
        get { storage?.values.plainUnit }
        set { unique().values.plainUnit = newValue }
    }

    var seriesPathCount: Int? { storage?.values.series?.paths.count }
    var firstNumberCount: Int { storage?.values.firstNumbers.count ?? 0 }

    var series: SeriesSet? {
        get { storage?.values.series }
        _modify { yield &unique().values.series }
    }

    /// The storage, created or copied so that this value owns it alone.
    private mutating func unique() -> Storage {
        if let storage, isKnownUniquelyReferenced(&self.storage) { return storage }
        let fresh = Storage(storage?.values ?? Values())
        storage = fresh
        return fresh
    }
}
