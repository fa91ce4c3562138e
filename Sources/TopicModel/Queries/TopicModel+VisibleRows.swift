/// The tree as rows, computed in time proportional to the expanded nodes and the rows returned,
/// not to the number of topics.
///
/// Every walk keeps its own stack: a topic can be thousands of levels deep, and recursion on its
/// depth would overflow the thread's stack.
extension TopicModel {
    /// The rows of the window `query.offset ..< query.offset + query.limit`.
    ///
    /// A filtered view matches every topic once; pass the same `matches` each frame and only the
    /// topics that arrived since are matched.
    public func visibleRows(_ query: TreeQuery, matches: inout FilterMatches?) -> VisibleRows {
        if let filter = query.filter { return filteredRows(query, filter: filter, matches: &matches) }
        let layout = ExpansionLayout(model: self, expanded: query.expanded, ordering: query.ordering)
        var skip = max(0, query.offset)
        var need = max(0, query.limit)
        var rows: [TreeRow] = []
        rows.reserveCapacity(need)
        emit(query: query, layout: layout, skip: &skip, need: &need, into: &rows)
        return VisibleRows(rows: rows, totalRows: layout.rowsBelow(0))
    }

    /// The rows of the window, matching a filter from scratch.
    public func visibleRows(_ query: TreeQuery) -> VisibleRows {
        var matches: FilterMatches?
        return visibleRows(query, matches: &matches)
    }

    /// The row index of a node in the unfiltered view, or nil when it is hidden under a collapsed node.
    public func rowIndex(of id: NodeID, expanded: Set<NodeID>, ordering: ChildOrdering? = nil) -> Int? {
        let layout = ExpansionLayout(model: self, expanded: expanded, ordering: ordering)
        var index = -1
        var chain: [Int32] = []
        var current = id.index
        while current != 0 {
            chain.append(current)
            current = node(NodeID(current)).parent.index
        }
        var parent: Int32 = 0
        for child in chain.reversed() {
            guard parent == 0 || layout.isExpanded(parent) else { return nil }
            let kids = orderedChildren(parent, ordering)
            guard let position = position(of: child, in: kids, ordering: ordering) else { return nil }
            index += 1 + position
            for (expandedPosition, expandedChild) in layout.expandedChildren(of: parent, ordered: kids)
            where expandedPosition < position {
                index += layout.rowsBelow(expandedChild)
            }
            parent = child
        }
        return index
    }

    // MARK: Unfiltered

    /// Appends the rows of the window, depth first: collapsed runs of siblings are skipped by
    /// arithmetic, and only open nodes are entered.
    private func emit(query: TreeQuery, layout: ExpansionLayout, skip: inout Int, need: inout Int,
                      into rows: inout [TreeRow]) {
        /// An open node being listed: its children, its open children with their positions (and
        /// an end marker), and how far the listing has come.
        struct Listing {
            let kids: [Int32]
            let open: [(position: Int, child: Int32)]
            var next = 0
            var start = 0
        }
        func listing(_ parent: Int32) -> Listing {
            let kids = orderedChildren(parent, query.ordering)
            return Listing(kids: kids, open: layout.expandedChildren(of: parent, ordered: kids) + [(kids.count, -1)])
        }
        var stack = [listing(0)]
        while need > 0, var top = stack.popLast() {
            guard top.next < top.open.count else { continue }
            let (position, child) = top.open[top.next]
            top.next += 1
            // Collapsed children between open ones.
            let segment = position - top.start
            if skip >= segment {
                skip -= segment
            } else {
                let first = top.start + skip
                let last = min(position, first + need)
                for index in first..<last { rows.append(row(top.kids[index], expanded: false, query: query)) }
                need -= last - first
                skip = 0
            }
            top.start = position + 1
            guard child >= 0, need > 0 else { continue }
            stack.append(top)
            if skip > 0 { skip -= 1 } else { rows.append(row(child, expanded: true, query: query)); need -= 1 }
            let below = layout.rowsBelow(child)
            if skip >= below { skip -= below } else { stack.append(listing(child)) }
        }
    }

    /// A child's position among its ordered siblings: by binary search in natural order, else
    /// by a scan of the traffic order.
    func position(of child: Int32, in ordered: [Int32], ordering: ChildOrdering? = nil) -> Int? {
        if let ordering, ordering.order != .name {
            let parent = nodes[Int(child)].parent.index
            _ = ordering.children(of: parent, in: self)
            return ordering.position(of: child, parent: parent)
        }
        let key = node(NodeID(child)).name
        var low = 0, high = ordered.count
        while low < high {
            let mid = (low + high) / 2
            let order = NaturalOrder.compare(nodes[Int(ordered[mid])].name, key)
            if order == 0 { return mid }
            if order < 0 { low = mid + 1 } else { high = mid }
        }
        return nil
    }

    func row(_ index: Int32, expanded: Bool, query: TreeQuery) -> TreeRow {
        let node = self.node(NodeID(index))
        let id = NodeID(index)
        let hasOffline = nodes[0].offlineCount > 0
        return TreeRow(
            node: id, depth: node.depth - 1, name: node.name, hasChildren: node.hasChildren, isExpanded: expanded, traffic: node.traffic,
            topicCount: Int(node.topicCount), messageCount: node.messageCount, retainedCount: Int(node.retainedCount),
            staleCount: Int(node.staleCount), offlineCount: Int(node.offlineCount),
            isOfflineDevice: hasOffline && isOfflineDevice(id), isInsideOfflineDevice: hasOffline && isInsideOfflineDevice(id),
            newest: node.newest, topic: topic(at: id).map { summary($0, of: id, query: query) })
    }

    /// What a row shows of a topic, everything the frame needs included.
    func summary(_ record: TopicRecord, of id: NodeID, query: TreeQuery) -> TopicSummary {
        // The payload's state is read once, for the preview and for what the primary leaves out.
        let state = self.state(of: id)
        let primary = primaryReading(of: id, chosen: query.chosenSeries[id], state: .some(state))
        let series = primary.flatMap { record.series?.series(at: $0.path) }
        return TopicSummary(preview: Array(record.last.payload.prefix(query.previewBytes)),
                            size: record.last.size, retained: record.retained, time: record.last.time,
                            primaryPath: primary?.path, primaryValue: primary?.value,
                            series: series.flatMap { $0.count > 1 ? $0 : nil },
                            unit: primary?.unit, kind: primary?.kind ?? .other,
                            primaryIsInternal: primary?.role == .deviceInternal, state: state,
                            isStale: record.liveness.isStale, announcesOffline: announcesOffline(id))
    }

    // MARK: Filtered

    /// Rows under a filter: nodes with a matching topic at or below them.
    private func filteredRows(_ query: TreeQuery, filter: TopicFilter, matches cache: inout FilterMatches?) -> VisibleRows {
        let matches = matchCounts(filter, cache: &cache)
        var rows: [TreeRow] = []
        var rowNumber = 0
        let end = query.offset + query.limit
        walk(from: 0, ordering: query.ordering) { child in
            guard child != 0 else { return true }
            guard matches[Int(child)] > 0 else { return false }
            let isExpanded = query.expanded.contains(NodeID(child))
            if rowNumber >= query.offset, rowNumber < end {
                rows.append(filteredRow(child, expanded: isExpanded, query: query, matches: matches))
            }
            rowNumber += 1
            return isExpanded
        }
        return VisibleRows(rows: rows, totalRows: rowNumber)
    }

    /// Branches with more matching topics below than this show no retained or stale count under
    /// a filter: counting them would cost a frame O(matches).
    static let filteredCountLimit: Int32 = 5_000

    /// A row under a filter: a branch counts the matching topics below it, and the retained,
    /// stale and offline ones among them.
    private func filteredRow(_ index: Int32, expanded: Bool, query: TreeQuery, matches: [Int32]) -> TreeRow {
        let full = row(index, expanded: expanded, query: query)
        let matching = matches[Int(index)]
        guard full.hasChildren else { return full }
        guard matching <= Self.filteredCountLimit else { return full.counting(topics: Int(matching), retained: 0, stale: 0) }
        var retained = 0, stale = 0
        walk(from: index) { child in
            guard matches[Int(child)] > 0 else { return false }
            let topic = nodes[Int(child)].topic
            // A topic matches itself when its count is more than its children's: no path is built.
            if topic >= 0, matches[Int(child)] > orderedChildren(child).reduce(0, { $0 + matches[Int($1)] }) {
                if topics[Int(topic)].retained.isHeld { retained += 1 }
                if topics[Int(topic)].liveness.isStale { stale += 1 }
            }
            return true
        }
        return full.counting(topics: Int(matching), retained: retained, stale: stale)
    }

    /// For each node, how many topics at or below it match `filter`.
    ///
    /// O(topics) when a filter is first applied; after that only topics that arrived since are
    /// matched (topics are never removed, so the counts only grow).
    func matchCounts(_ filter: TopicFilter, cache stored: inout FilterMatches?) -> [Int32] {
        var cache = stored?.filter == filter ? stored! : FilterMatches(filter: filter)
        stored = nil  // keeps the counts array uniquely referenced while it grows
        cache.counts.append(contentsOf: repeatElement(0, count: nodes.count - cache.counts.count))
        for record in topics[cache.matchedTopics...] where filter.matches(topicName(of: record.node)) {
            var current = record.node.index
            while true {
                cache.counts[Int(current)] += 1
                if current == 0 { break }
                current = node(NodeID(current)).parent.index
            }
        }
        cache.matchedTopics = topics.count
        stored = cache
        return cache.counts
    }
}

/// A filter's match counts, kept by the caller between frames and extended as topics arrive.
public struct FilterMatches: Sendable {
    let filter: TopicFilter
    var counts: [Int32] = []
    var matchedTopics = 0

    /// How many topics at or below `node` match (as of the last query that used this cache).
    public func count(at node: NodeID) -> Int {
        Int(node.index) < counts.count ? Int(counts[Int(node.index)]) : 0
    }
}

/// Rows below each expanded node, computed from the expanded set alone.
struct ExpansionLayout {
    private var rowsBelowNode: [Int32: Int] = [:]
    private var expandedByParent: [Int32: [Int32]] = [:]
    private let model: TopicModel
    private let ordering: ChildOrdering?

    init(model: TopicModel, expanded: Set<NodeID>, ordering: ChildOrdering? = nil) {
        self.model = model
        self.ordering = ordering
        // Only expanded nodes whose ancestors are all expanded are open.
        for id in model.openNodes(expanded) {
            expandedByParent[model.node(id).parent.index, default: []].append(id.index)
        }
        // Rows below each open node, children before parents.
        var order: [Int32] = []
        var stack: [Int32] = [0]
        while let index = stack.popLast() {
            order.append(index)
            stack += expandedByParent[index] ?? []
        }
        for index in order.reversed() {
            var total = model.childCount(of: NodeID(index))
            for child in expandedByParent[index] ?? [] { total += rowsBelowNode[child] ?? 0 }
            rowsBelowNode[index] = total
        }
    }

    func isExpanded(_ index: Int32) -> Bool { rowsBelowNode[index] != nil }

    /// Rows shown under an open node (its visible descendants); 0 when collapsed.
    func rowsBelow(_ index: Int32) -> Int { rowsBelowNode[index] ?? 0 }

    /// The open children of `parent` with their positions among `ordered`, ascending.
    func expandedChildren(of parent: Int32, ordered: [Int32]) -> [(Int, Int32)] {
        (expandedByParent[parent] ?? []).compactMap { child in
            model.position(of: child, in: ordered, ordering: ordering).map { ($0, child) }
        }.sorted { $0.0 < $1.0 }
    }
}

extension TopicModel {
    /// The expanded nodes whose ancestors are all expanded too: O(expanded nodes), each ancestor
    /// chain walked once.
    func openNodes(_ expanded: Set<NodeID>) -> [NodeID] {
        var known: [Int32: Bool] = [:]
        var chain: [Int32] = []
        return expanded.filter { id in
            chain.removeAll(keepingCapacity: true)
            var current = id.index
            var open = true
            while current != 0 {
                if let status = known[current] { open = status; break }
                guard expanded.contains(NodeID(current)) else { open = false; break }
                chain.append(current)
                current = nodes[Int(current)].parent.index
            }
            for index in chain { known[index] = open }
            return open
        }
    }
}
