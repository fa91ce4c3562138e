import MQTT

/// One row of the tree as the UI draws it: a snapshot, independent of later updates.
public struct TreeRow: Sendable {
    public let node: NodeID
    /// 0 for first-level topics.
    public let depth: Int
    public let name: String
    public let hasChildren: Bool
    public let isExpanded: Bool
    /// Messages and bytes per second at or below this node.
    public let traffic: Traffic
    public let topicCount: Int
    public let messageCount: Int
    public let retainedCount: Int
    /// Stale topics at or below this node.
    public let staleCount: Int
    /// Offline devices at or below this node (itself included).
    public let offlineCount: Int
    /// This node is a device announced offline.
    public let isOfflineDevice: Bool
    /// This node lies inside an offline device (or is one): drawn dim.
    public let isInsideOfflineDevice: Bool
    public let newest: Double
    /// Present when the node is a topic.
    public let topic: TopicSummary?
}

extension TreeRow {
    /// The same row with other counts (a filtered view counts the matching topics).
    func counting(topics: Int, retained: Int, stale: Int) -> TreeRow {
        TreeRow(node: node, depth: depth, name: name, hasChildren: hasChildren, isExpanded: isExpanded, traffic: traffic, topicCount: topics,
                messageCount: messageCount, retainedCount: retained, staleCount: stale, offlineCount: offlineCount,
                isOfflineDevice: isOfflineDevice, isInsideOfflineDevice: isInsideOfflineDevice, newest: newest, topic: topic)
    }
}

/// The parts of a topic a row shows.
public struct TopicSummary: Sendable {
    /// The start of the newest payload (at most `TopicSummary.previewBytes` bytes), unsanitised.
    public let preview: [UInt8]
    public let size: Int
    public let retained: RetainedState
    public let time: Double
    /// The JSON path of the primary series ("" for a plain number), nil when not numeric.
    public let primaryPath: String?
    public let primaryValue: Double?
    /// The primary series, once it has two points or more to draw.
    public let series: TimeSeries?
    /// The primary series' unit: Home Assistant discovery's, else the plain payload's own, else
    /// its convention's.
    public let unit: String?
    /// What the primary series measures, which sets its smallest graphed span.
    public let kind: SeriesKind
    /// Whether the primary series describes the device itself (its signal, its chip's temperature).
    public let primaryIsInternal: Bool
    /// What the device says it is doing (ON, closed), which a preview leads with.
    public let state: DeviceState?
    /// Silent for longer than it usually is.
    public let isStale: Bool
    /// An availability topic whose newest payload says offline.
    public let announcesOffline: Bool

    public static let previewBytes = 96
}

/// Which topics a tree view shows.
public enum TopicFilter: Sendable, Hashable {
    /// Case-insensitive substring of the full topic name.
    case substring(String)
    /// An MQTT wildcard filter such as `home/+/temperature`.
    case wildcard(String)

    func matches(_ topic: String) -> Bool {
        switch self {
        case let .substring(text): return text.isEmpty || topic.localizedCaseInsensitiveContains(text)
        case let .wildcard(filter): return MQTTTopic.matches(filter: filter, topic: topic)
        }
    }
}

/// What part of the tree to show, and how.
public struct TreeQuery: Sendable {
    public var expanded: Set<NodeID>
    public var filter: TopicFilter?
    /// The first row to return (scroll position).
    public var offset: Int
    /// How many rows to return at most.
    public var limit: Int
    /// The series the user picked to graph, by topic.
    public var chosenSeries: [NodeID: String]
    /// Bytes of each payload to preview.
    public var previewBytes: Int
    /// The children's order: natural (nil), or a traffic order as of a moment.
    public var ordering: ChildOrdering?

    public init(expanded: Set<NodeID> = [], filter: TopicFilter? = nil, offset: Int = 0, limit: Int = 50,
                chosenSeries: [NodeID: String] = [:], previewBytes: Int = TopicSummary.previewBytes, ordering: ChildOrdering? = nil) {
        self.ordering = ordering
        self.expanded = expanded
        self.filter = filter
        self.offset = offset
        self.limit = limit
        self.chosenSeries = chosenSeries
        self.previewBytes = previewBytes
    }
}

/// The rows in the query's window, and how many rows the whole view has.
public struct VisibleRows: Sendable {
    public let rows: [TreeRow]
    public let totalRows: Int
}
