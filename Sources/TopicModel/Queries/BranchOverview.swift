/// A branch at a glance: its problems first, then what its devices say they are doing, then one
/// row per reading below it (room temperatures, other readings, then device internals), each part
/// in tree order (so grouped by device).
public struct BranchOverview: Sendable {
    public enum Row: Sendable {
        /// A topic silent for longer than it usually is.
        case stale(OverviewTopic)
        /// A device that announced itself offline.
        case offline(OverviewTopic)
        /// A light, plug, switch or door, and what it is doing.
        case state(OverviewState)
        case series(OverviewSeries)
    }

    /// The rows in the query's window.
    public let rows: [Row]

    public init(rows: [Row], totalRows: Int, problemCount: Int) {
        self.rows = rows
        self.totalRows = totalRows
        self.problemCount = problemCount
    }

    /// How many rows the whole overview has.
    public let totalRows: Int
    /// Where the series rows start (the problems come before).
    public let problemCount: Int
}

/// A node in an overview row.
public struct OverviewTopic: Sendable {
    public let node: NodeID
    /// The path from the branch down to the node ("" for the branch itself).
    public let name: String
    /// The newest message at or below the node.
    public let time: Double
}

/// One numeric series of an overview: a field of a topic below the branch.
public struct OverviewSeries: Sendable {
    public let topic: OverviewTopic
    /// The JSON path of the field ("" for a plain number).
    public let field: String
    public let value: Double
    public let unit: String?
    public let kind: SeriesKind
    public let role: ReadingRole
    /// The points, once there are two or more.
    public let series: TimeSeries?
    public let isStale: Bool
    /// The name Home Assistant discovery gives it ("Attic Temperature").
    public let label: String?
}

/// A device's state in an overview row: its word, and its most telling reading.
public struct OverviewState: Sendable {
    public struct Reading: Sendable {
        public let path: String
        public let value: Double
        public let unit: String?
    }

    public let topic: OverviewTopic
    public let state: DeviceState
    public let reading: Reading?
    public let isStale: Bool
}

/// A branch's overview under a filter: every row of the matching topics, and their counts.
public struct FilteredOverview: Sendable {
    public let rows: [BranchOverview.Row]
    public let topicCount: Int
    public let problemCount: Int
    public let stateCount: Int
    public let temperatureCount: Int
    public let otherReadingCount: Int
    public let internalCount: Int
}
