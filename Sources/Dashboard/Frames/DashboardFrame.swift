import TopicModel

/// Everything one frame draws, taken from the model in one go (O(rows on screen)), so drawing
/// needs neither the model nor its lock.
public struct DashboardFrame: Sendable {
    /// One tree row with what the model knows for it.
    public struct Row: Sendable {
        public var tree: TreeRow
        public var sparkline: String?
        public var isSelected: Bool
        /// A broker's own row (several brokers on screen): its connection.
        public var link: ConnectionStatus? = nil
        /// Under a broker that is down: its last values are kept, and it cannot be stale.
        public var isUnreachable = false
    }

    /// The selected topic, in full.
    public struct Detail: Sendable {
        public var path: String
        public var record: TopicRecord?
        public var label: SeriesLabel?
        public var childCount: Int
        public var topicCount: Int
        public var retainedCount: Int
        public var staleCount: Int
        public var offlineCount: Int
        /// Connected seconds since the topic's last message.
        public var silence: Double?
        /// When this node is an offline device: the availability topics that say so.
        public var offlineSources: [String]
        public var isInsideOfflineDevice: Bool
        /// An availability topic that says offline.
        public var announcesOffline: Bool
        /// The series paths this topic has, and the one graphed.
        public var seriesPaths: [String]
        public var graphPath: String?
        public var graph: TimeSeries?
        public var graphKind: SeriesKind
        public var graphUnit: String?
        public var graphWindow: GraphWindow
        /// What changed since the previous message, when `v` is on and there is one.
        public var changes: [StyledLine]?
        /// The previous message's time, for the changes' title.
        public var previousTime: Double?
        /// The last payload, formatted: JSON indented, text, or a hex dump.
        public var payloadLines: [StyledLine]
        /// Recorded messages older than the model's, newest first, and what the table says after them.
        public var olderMessages: [StoredMessage] = []
        public var olderNote: String?
        /// Its messages and bytes per second, and its broker's (for its share).
        public var traffic = Traffic()
        public var brokerTraffic: Traffic?
        /// When listening began, for rates over a window that began before.
        public var watchingSince: Double?
    }

    /// A branch (or the whole broker) at a glance: problems, states, then every reading below.
    public struct Overview: Sendable {
        public struct Line: Sendable {
            public var row: BranchOverview.Row
            public var sparkline: String?
        }

        /// The branch's path ("" for the whole broker).
        public var path: String
        public var topicCount: Int
        /// Devices that state what they are doing (ON, closed).
        public var stateCount: Int
        public var temperatureCount: Int
        public var otherReadingCount: Int
        /// Readings that describe a device itself (signal, supply, its chip's temperature).
        public var internalCount: Int
        public var problemCount: Int
        /// When the branch is an offline device: the availability topics that say so.
        public var offlineSources: [String]
        /// The rows on screen, from `scroll`.
        public var lines: [Line]
        public var totalRows: Int
        public var scroll: Int
        /// The highlighted row, among all rows.
        public var cursor: Int
        public var sparklineWidth: Int
        /// The tree's filter, when the overview follows it (nothing is selected).
        public var treeFilter: String?
        /// Under the filter: how many of the branch's topics it matches (the rows are theirs).
        public var matchingTopics: Int? = nil
        /// The whole screen's overview with several brokers: those that are down, as problems
        /// that come first ("cabin: reconnecting in 4 s …").
        public var brokerProblems: [(name: String, status: ConnectionStatus)] = []
        /// The names start with their broker's (the whole screen, with several): a wider column.
        public var namesLedByBroker = false
        /// Whether a third heading line is drawn: a branch's traffic, or brokers that are down.
        public var hasThirdLine: Bool { Self.hasThirdLine(isWholeScreen: path.isEmpty, brokersDown: brokerProblems.count) }

        static func hasThirdLine(isWholeScreen: Bool, brokersDown: Int) -> Bool { !isWholeScreen || brokersDown > 0 }
        /// The branch's messages and bytes per second, and its broker's (for its share).
        public var traffic = Traffic()
        public var brokerTraffic: Traffic?
        /// When listening began, for rates over a window that began before.
        public var watchingSince: Double?
        /// Firing rules on the branch's topics: listed first, above offline and stale.
        public var alerts: [Alerts.Firing] = []

        /// The most lines the firing rules take; more are summed up on the last.
        static let alertLineLimit = 5

        /// The lines the firing rules take above the rows.
        static func alertLines(_ count: Int) -> Int { min(count, alertLineLimit) }
    }

    public var layout: Layout
    public var connection: ConnectionStatus
    /// Each broker's connection, with several brokers on screen (see `DashboardController.links`).
    public var links: [ConnectionStatus] = []
    public var topicCount = 0
    public var retainedCount = 0
    public var staleCount = 0
    public var offlineCount = 0
    public var showsAges = false
    /// The tree's order; a traffic order shows its key in a column.
    public var order = TreeOrder.name
    /// When listening began (`TopicModel.watchingSince`), for rates over a window that began before.
    public var watchingSince: Double?
    /// Hearth's own memory (resident bytes), when known.
    public var residentBytes: Int?
    /// The rules, when there are any.
    public var alerts: Alerts?
    public var messageRate = 0.0
    public var rows: [Row] = []
    public var totalRows = 0
    public var scroll = 0
    public var detail: Detail?
    /// Shown instead of `detail` when a branch, or nothing, is selected.
    public var overview: Overview?
    public var detailScroll = 0
    /// The detail pane's lines, top to bottom (scrolled by `detailScroll`).
    public var detailLines: [StyledLine] = []
    public var focus: DashboardState.Pane = .tree
    public var mode: DashboardState.Mode = .browse
    public var filter: String?
    public var search: (text: String, current: Int, count: Int)?
    public var status: (text: String, isError: Bool)?
    public var now = 0.0
    /// Topics on screen whose recorded series are still to be read from the history store.
    public var wantedHistory: [String] = []
    /// The selected topic's history table reached its end: the next page of recorded messages.
    public var wantedOlderMessages: OlderMessages.Request?
}
