/// A node of the topic tree: one level of a topic name, with counts kept for everything below it.
///
/// Nodes live in the tree's array and refer to each other by index, which keeps them small.
public struct TopicNode: Sendable {
    // Fields are ordered widest first, so the node has no padding: a million topics pay for
    // every byte here (`hearth-model-bench --layout` prints its size).

    /// This level's name ("" for an empty level, as in `a//b`).
    public let name: String
    /// Messages received at or below this node.
    public internal(set) var messageCount: Int = 0
    /// The newest receive time at or below this node (seconds since 1970).
    public internal(set) var newest: Double = 0
    public let parent: NodeID
    /// Index of the topic record when a message was received on exactly this path.
    var topic: Int32 = -1
    /// Topics at or below this node.
    public internal(set) var topicCount: Int32 = 0
    /// Topics at or below this node that hold a retained value.
    public internal(set) var retainedCount: Int32 = 0
    /// Topics at or below this node that went quiet for longer than they usually do.
    public internal(set) var staleCount: Int32 = 0
    /// Devices at or below this node (this one included) that announced themselves offline.
    public internal(set) var offlineCount: Int32 = 0
    /// Numeric series (a topic's numeric fields) at or below this node: the branch overview's rows.
    public internal(set) var seriesCount: Int32 = 0
    /// Those of them that measure a room's temperature (listed first).
    public internal(set) var temperatureCount: Int32 = 0
    /// Those of them that describe a device itself (signal, supply, its chip's temperature):
    /// listed last, and not among the temperatures.
    public internal(set) var internalCount: Int32 = 0
    /// Topics at or below this node that state what a device is doing (ON, closed).
    public internal(set) var stateCount: Int32 = 0
    /// The only child, while there is just one: most chains (`room/sensor/temperature`) never
    /// need a child list.
    var onlyChild: Int32 = -1
    /// The model's child list for this node (`TopicModel.childLists`), once it has two or more.
    var childList: Int32 = -1
    /// Messages and bytes per second at or below this node (the traffic order's keys).
    public internal(set) var traffic = Traffic()
    private var levelDepth: UInt16

    init(name: String, parent: NodeID, depth: Int) {
        self.name = name
        self.parent = parent
        self.levelDepth = UInt16(clamping: depth)
    }

    public var depth: Int { Int(levelDepth) }
    /// Readings that are neither room temperatures nor device internals.
    public var otherReadingCount: Int32 { seriesCount - temperatureCount - internalCount }
    public var isTopic: Bool { topic >= 0 }
    public var hasChildren: Bool { onlyChild >= 0 || childList >= 0 }
    mutating func add(_ counts: ReadingCounts) {
        seriesCount += counts.readings
        temperatureCount += counts.temperatures
        internalCount += counts.internals
        stateCount += counts.states
    }

    /// Whether something at or below needs attention: a stale topic or an offline device.
    public var hasProblems: Bool { staleCount > 0 || offlineCount > 0 }
}

/// Identifies a node; stable for the model's lifetime.
public struct NodeID: Hashable, Sendable, Comparable, CustomStringConvertible {
    public let index: Int32
    init(_ index: Int32) { self.index = index }
    init(_ index: Int) { self.index = Int32(index) }

    /// The invisible root above all first levels.
    public static let root = NodeID(Int32(0))

    public static func < (lhs: NodeID, rhs: NodeID) -> Bool { lhs.index < rhs.index }
    public var description: String { "#\(index)" }
}

/// A node's children: found by name, listed in natural order.
///
/// New children go to an unsorted tail that `settle` merges in, so a burst of new topics under
/// one parent costs O(1) each, not an array shift each. Until then `ordered` merges a copy.
/// A short list is searched by name in place; a dictionary is kept only for a long one (a
/// device's handful of sensors would pay several times their size for it).
struct ChildList: Sendable {
    /// Above this many children, names are found through a dictionary.
    static let scanLimit = 16

    private var byName: [String: Int32]?
    private var sorted: [Int32] = []
    private var pending: [Int32] = []

    var count: Int { sorted.count + pending.count }
    var isSettled: Bool { pending.isEmpty }

    /// The child with this name; `names` gives a child's name.
    func child(named name: String, names: (Int32) -> String) -> Int32? {
        if let byName { return byName[name] }
        if let found = sorted.first(where: { names($0) == name }) { return found }
        return pending.first { names($0) == name }
    }

    /// Adds a child; returns true when it is the first one waiting to be ordered.
    mutating func add(_ name: String, _ child: Int32, names: (Int32) -> String) -> Bool {
        if byName != nil {
            byName?[name] = child
        } else if count == Self.scanLimit {
            var index = [String: Int32](minimumCapacity: 2 * Self.scanLimit)
            for known in sorted + pending { index[names(known)] = known }
            index[name] = child
            byName = index
        }
        pending.append(child)
        return pending.count == 1
    }

    /// Merges the children added since the last call into the natural order.
    mutating func settle(names: (Int32) -> String) {
        guard !pending.isEmpty else { return }
        sorted = merged(names: names)
        pending.removeAll()
    }

    /// The children in natural order.
    func ordered(names: (Int32) -> String) -> [Int32] {
        pending.isEmpty ? sorted : merged(names: names)
    }

    private func merged(names: (Int32) -> String) -> [Int32] {
        let keyed = pending.map { (id: $0, key: names($0)) }
            .sorted { NaturalOrder.compare($0.key, $1.key) < 0 }
        var merged: [Int32] = []
        merged.reserveCapacity(sorted.count + keyed.count)
        var i = 0, j = 0
        while i < sorted.count || j < keyed.count {
            if j == keyed.count || (i < sorted.count && NaturalOrder.compare(names(sorted[i]), keyed[j].key) < 0) {
                merged.append(sorted[i])
                i += 1
            } else {
                merged.append(keyed[j].id)
                j += 1
            }
        }
        return merged
    }
}
