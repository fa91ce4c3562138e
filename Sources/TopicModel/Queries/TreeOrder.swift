import Synchronization

/// The order of each node's children in the tree: by name (natural order), or the traffic
/// order's keys, largest first (`o` cycles them, `hearth tree --sort`).
public enum TreeOrder: String, Sendable, CaseIterable {
    case name
    /// Messages per second over the last 10 s.
    case messageRate
    /// Bytes per second over the last 10 s.
    case byteRate
    /// The newest message at or below, newest first.
    case lastChange

    /// The next order `o` moves to.
    public var next: TreeOrder {
        let all = Self.allCases
        return all[(all.firstIndex(of: self)! + 1) % all.count]
    }

    /// How the header names it.
    public var label: String {
        switch self {
        case .name: return "name"
        case .messageRate: return "msgs/s"
        case .byteRate: return "bytes/s"
        case .lastChange: return "last change"
        }
    }
}

/// A traffic order as of one moment: each parent's children are sorted when first asked for,
/// then reused, so rows hold still while the user reads. The caller makes a new one at most once
/// a second; a parent that gained children since is sorted again.
///
/// Sorting costs O(k log k) for a parent with k children, once per ordering; a frame then costs
/// O(rows on screen) as in the natural order.
public final class ChildOrdering: Sendable {
    public let order: TreeOrder
    /// The time the keys are read at (seconds since 1970).
    public let now: Double
    /// When listening began (`TopicModel.watchingSince`), for rates over a window that began before.
    public let since: Double?
    /// Per parent: its children in order, and each one's position among them.
    private let sorted = Mutex<[Int32: (children: [Int32], positions: [Int32: Int])]>([:])

    public init(order: TreeOrder, now: Double, since: Double?) {
        self.order = order
        self.now = now
        self.since = since
    }

    /// `parent`'s children in this order; ties keep their natural order.
    func children(of parent: Int32, in model: TopicModel) -> [Int32] {
        let count = model.childCount(of: NodeID(parent))
        if let cached = sorted.withLock({ $0[parent]?.children }), cached.count == count { return cached }
        let natural = model.orderedChildren(parent)
        let keys = natural.map { key(model.nodes[Int($0)]) }
        let order = natural.indices.sorted { keys[$0] != keys[$1] ? keys[$0] > keys[$1] : $0 < $1 }.map { natural[$0] }
        var positions: [Int32: Int] = [:]
        positions.reserveCapacity(order.count)
        for (position, child) in order.enumerated() { positions[child] = position }
        sorted.withLock { $0[parent] = (order, positions) }
        return order
    }

    /// A child's position among its siblings in this order (after `children(of:in:)` sorted them).
    func position(of child: Int32, parent: Int32) -> Int? {
        sorted.withLock { $0[parent]?.positions[child] }
    }

    /// What a node sorts by, largest first.
    public func key(_ node: TopicNode) -> Double {
        switch order {
        case .name: return 0
        case .messageRate: return node.traffic.messageRate(now: now, since: since)
        case .byteRate: return node.traffic.byteRate(now: now, since: since)
        case .lastChange: return node.newest
        }
    }
}

extension TopicModel {
    /// Children in `ordering`'s order, or in natural order without one.
    func orderedChildren(_ index: Int32, _ ordering: ChildOrdering?) -> [Int32] {
        guard let ordering, ordering.order != .name else { return orderedChildren(index) }
        return ordering.children(of: index, in: self)
    }

    /// Children of a node in `ordering`'s order (natural without one).
    public func children(of id: NodeID, ordering: ChildOrdering?) -> [NodeID] {
        orderedChildren(id.index, ordering).map(NodeID.init)
    }
}

extension TopicModel {
    /// A topic's own traffic: its node counts everything below it too (a zigbee2mqtt device's
    /// `availability`), so the children's is taken out.
    public func ownTraffic(of id: NodeID, now: Double) -> Traffic {
        let node = nodes[Int(id.index)]
        guard node.hasChildren else { return node.traffic }
        return node.traffic.excluding(orderedChildren(id.index).lazy.map { self.nodes[Int($0)].traffic }, now: now)
    }
}
