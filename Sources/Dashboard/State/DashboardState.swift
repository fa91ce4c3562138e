import TopicModel

/// What the user has done to the view: selection, expansion, scroll, focus, and the open dialog.
public struct DashboardState: Sendable {
    public enum Pane: Sendable { case tree, detail }
    public enum PromptKind: Sendable { case search, filter }

    /// "Clear the retained value(s)?" with the topics that would be cleared.
    public struct Confirmation: Sendable {
        public var question: String
        public var topics: [String]
        /// Bulk clears (`D`) offer a dry-run list first.
        public var isBulk: Bool
        /// The broker the topics are on (0 with one).
        public var broker = 0
    }

    /// What has the keyboard: the tree, or an overlay.
    public enum Mode: Sendable {
        case browse
        case prompt(PromptKind, TextField)
        case publish(PublishForm)
        case confirm(Confirmation)
        /// The dry run of a bulk clear: the list, scrolled.
        case retainedList(Confirmation, scroll: Int)
        case seriesPicker(paths: [String], index: Int)
        case help
        /// The rules (`a`), the one at `cursor` highlighted.
        case rules(cursor: Int)
    }

    public var mode: Mode = .browse
    public var focus: Pane = .tree
    /// Nil while the whole broker is shown (`rootShown`).
    public var selected: NodeID?
    /// The overview of the whole broker: the first screen, until the user moves in the tree
    /// (Escape, or `h` on a first-level node, comes back to it).
    public var rootShown = true
    /// The overview's highlighted row (its index among all of them) and first row on screen.
    public var overviewCursor = 0
    public var overviewScroll = 0
    /// The detail pane lists what changed since the topic's previous message (`v`).
    public var showsChanges = false
    /// The time the detail graph covers (`[`, `]`).
    public var graphWindow = GraphWindow.fiveMinutes
    /// The selected row's index among all rows, and its line within the pane (kept as topics arrive).
    public var cursor = 0
    public var screenRow = 0
    public var scroll = 0
    public var expanded: Set<NodeID> = []
    /// True until the user expands or collapses by hand; auto-expansion only ever opens nodes.
    public var autoExpand = true
    /// The series the user picked to graph, by topic (`s`).
    public var chosenSeries: [NodeID: String] = [:]
    /// The tree's age column (`t`).
    public var showsAges = false
    /// The tree's order (`o` cycles name, msgs/s, bytes/s, last change).
    public var order = TreeOrder.name
    public var detailScroll = 0
    /// The detail pane's last scroll position in the last frame (its lines less the pane's height).
    public internal(set) var detailBottom = 0
    /// The selected topic's recorded messages older than the model's, paged in from the store.
    public var olderMessages: OlderMessages?
    /// An MQTT wildcard filter on the tree.
    public var filter: String?
    public var search: TopicSearch?
    public var status: (text: String, isError: Bool)?

    public init() {}
}
