import DequeModule
import Foundation
import MQTT

/// Everything the broker has said: a tree of topics with retained state, bounded history and numeric series.
///
/// One isolation domain owns a model (it is not Sendable): feed it with `ingest`, then query it.
/// Every update costs O(depth of the topic); no query walks the whole tree unless it says so.
///
/// ```swift
/// let model = TopicModel()
/// model.ingest(messages)
/// let kitchen = model.find("home/kitchen")
/// model.node(kitchen!).retainedCount
/// ```
public final class TopicModel {
    /// Bounds on what the model keeps.
    public struct Limits: Sendable {
        /// Older messages kept per topic.
        public var historyCount = 100
        /// Bytes of older messages kept per topic.
        public var historyBytes = 64 * 1024
        /// Bytes of older messages kept across all topics; the oldest go first.
        public var totalHistoryBytes = 256 * 1024 * 1024
        /// Payloads above this are stored truncated (their true size is kept).
        public var payloadCap = 64 * 1024

        public init() {}
    }

    public let limits: Limits
    public private(set) var nodes: [TopicNode]
    public private(set) var topics: [TopicRecord] = []
    /// Home Assistant discovery labels, by the state topic they describe.
    public private(set) var labels: [String: SeriesLabel] = [:]
    /// Series the user picked, by topic.
    private var chosenSeries: [NodeID: String] = [:]
    /// Bytes held by all topics' history.
    public private(set) var historyBytes = 0
    /// Every history entry in arrival order, as (topic, per-topic sequence), for global trimming.
    var historyQueue = Deque<(topic: Int32, sequence: UInt64)>()
    var historyEntries = 0
    /// The filtered view's match counts, extended as topics arrive (see `matchCounts`).
    var filterCache: FilterCache?
    private var pathScratch: [Int32] = []
    private var numberScratch: [(path: String, value: Double)] = []

    public init(limits: Limits = Limits()) {
        self.limits = limits
        nodes = [TopicNode(name: "", parent: .root, depth: 0)]
    }

    // MARK: - Queries

    public func node(_ id: NodeID) -> TopicNode { nodes[Int(id.index)] }

    /// The topic record at this node, when the node is a topic.
    public func topic(at id: NodeID) -> TopicRecord? {
        let index = nodes[Int(id.index)].topic
        return index >= 0 ? topics[Int(index)] : nil
    }

    /// The node for a topic name or prefix, if known.
    public func find(_ path: String) -> NodeID? {
        var current: Int32 = 0
        for level in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard let child = child(of: current, named: String(level)) else { return nil }
            current = child
        }
        return current == 0 ? nil : NodeID(current)
    }

    /// The full topic name of a node.
    public func path(of id: NodeID) -> String {
        var levels: [String] = []
        var current = id
        while current != .root {
            let node = nodes[Int(current.index)]
            levels.append(node.name)
            current = node.parent
        }
        return levels.reversed().joined(separator: "/")
    }

    /// Children in natural order.
    public func children(of id: NodeID) -> [NodeID] {
        orderedChildren(id.index).map(NodeID.init)
    }

    func orderedChildren(_ index: Int32) -> [Int32] {
        let node = nodes[Int(index)]
        if let children = node.children { return children.ordered { self.nodes[Int($0)].name } }
        return node.onlyChild >= 0 ? [node.onlyChild] : []
    }

    /// The child with this name, from the only-child slot or the child list.
    private func child(of parent: Int32, named name: String) -> Int32? {
        // Field by field: copying the whole node would retain and release its name and list.
        if let children = nodes[Int(parent)].children { return children.byName[name] }
        let only = nodes[Int(parent)].onlyChild
        return only >= 0 && nodes[Int(only)].name == name ? only : nil
    }

    /// Adds a child, moving to a child list when the second one arrives.
    private func addChild(_ child: Int32, named name: String, to parent: Int32) {
        let only = nodes[Int(parent)].onlyChild
        if nodes[Int(parent)].children == nil, only < 0 {
            nodes[Int(parent)].onlyChild = child
            return
        }
        if nodes[Int(parent)].children == nil {
            let list = ChildList()
            list.add(nodes[Int(only)].name, only)
            nodes[Int(parent)].children = list
            nodes[Int(parent)].onlyChild = -1
        }
        nodes[Int(parent)].children?.add(name, child)
    }

    /// The topics at or below `id` that hold a retained value, in tree order.
    ///
    /// Visits only subtrees whose retained count is non-zero.
    public func retainedTopics(under id: NodeID = .root) -> [NodeID] {
        var found: [NodeID] = []
        func visit(_ index: Int32) {
            let node = nodes[Int(index)]
            guard node.retainedCount > 0 else { return }
            if node.topic >= 0, topics[Int(node.topic)].retained.isHeld { found.append(NodeID(index)) }
            for child in orderedChildren(index) { visit(child) }
        }
        visit(id.index)
        return found
    }

    public var topicCount: Int { Int(nodes[0].topicCount) }
    public var retainedCount: Int { Int(nodes[0].retainedCount) }
    public var messageCount: Int { nodes[0].messageCount }

    /// The Home Assistant label of a topic, if discovery named it.
    public func label(for id: NodeID) -> SeriesLabel? { labels.isEmpty ? nil : labels[path(of: id)] }

    /// The path of the series to graph: the user's pick, else the rules of `SeriesSet.primaryPath`.
    public func primaryPath(of id: NodeID) -> String? { primary(of: id)?.path }

    /// The newest value of the primary series.
    public func primaryValue(of id: NodeID) -> Double? { primary(of: id)?.value }

    /// The primary series' path and newest value, from the series or (one number so far) the last payload.
    public func primary(of id: NodeID) -> (path: String, value: Double)? {
        guard let record = topic(at: id) else { return nil }
        if let series = record.series, let path = series.primaryPath(chosen: chosenSeries[id]),
           let value = series.series(at: path)?.last?.value {
            return (path, value)
        }
        let numbers = NumberExtractor.numbers(in: record.last.payload)
        guard let path = SeriesSet.primaryPath(among: numbers.map(\.path), chosen: chosenSeries[id]) else { return nil }
        return numbers.first { $0.path == path }.map { (path, $0.value) }
    }

    /// Picks the series to graph for a topic (nil returns to the automatic choice).
    public func chooseSeries(_ path: String?, for id: NodeID) {
        chosenSeries[id] = path
    }

    // MARK: - Ingest

    /// Adds a batch of messages (one turn of the consumer).
    public func ingest(_ messages: some Sequence<MQTTMessage>) {
        for message in messages { ingest(message) }
    }

    /// Adds one message: O(depth) for the tree and counts.
    public func ingest(_ message: MQTTMessage) {
        let time = message.receivedAt.timeIntervalSince1970
        let leaf = locate(message.topic)
        var topicIndex = nodes[Int(leaf)].topic
        let isNewTopic = topicIndex < 0
        let stored = StoredMessage(message, cap: limits.payloadCap)
        var previous: StoredMessage?
        if isNewTopic {
            topicIndex = Int32(topics.count)
            topics.append(TopicRecord(node: NodeID(leaf), last: stored, firstSeen: time))
            nodes[Int(leaf)].topic = topicIndex
        } else {
            let last = topics[Int(topicIndex)].last
            previous = last
            pushHistory(last, into: topicIndex)
            topics[Int(topicIndex)].last = stored
        }
        let retainedDelta = updateRetained(topicIndex, message: message, previous: previous)
        topics[Int(topicIndex)].messageCount += 1
        topics[Int(topicIndex)].rate.record(at: time)
        recordNumbers(topicIndex, payload: message.payload, time: time, previous: previous)
        for index in pathScratch {
            nodes[Int(index)].messageCount += 1
            if time > nodes[Int(index)].newest { nodes[Int(index)].newest = time }
            if isNewTopic { nodes[Int(index)].topicCount += 1 }
            nodes[Int(index)].retainedCount += retainedDelta
        }
        if message.topic.utf8.starts(with: "homeassistant/".utf8) { recordDiscovery(message, previous: previous) }
    }

    /// Finds or creates the node for `topic`, leaving the path (root to leaf) in `pathScratch`.
    private func locate(_ topic: String) -> Int32 {
        pathScratch.removeAll(keepingCapacity: true)
        pathScratch.append(0)
        var bytes = topic
        // Levels are cut from the contiguous UTF-8 bytes: cheaper than slicing the String.
        return bytes.withUTF8 { utf8 in
            var current: Int32 = 0
            var start = 0
            while true {
                let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.count
                let name = String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self)
                if let child = child(of: current, named: name) {
                    current = child
                } else {
                    let child = Int32(nodes.count)
                    nodes.append(TopicNode(name: name, parent: NodeID(current), depth: nodes[Int(current)].depth + 1))
                    addChild(child, named: name, to: current)
                    current = child
                }
                pathScratch.append(current)
                guard end < utf8.count else { return current }
                start = end + 1
            }
        }
    }

    /// Applies the retained transition; returns the change in "holds a retained value" (-1, 0, 1).
    private func updateRetained(_ index: Int32, message: MQTTMessage, previous: StoredMessage?) -> Int32 {
        let before = topics[Int(index)].retained
        let after = before.after(retain: message.retain, payloadIsEmpty: message.payload.isEmpty)
        if after == .held {
            // Keep the retained value that the live one now covers.
            if before == .shown, let previous { topics[Int(index)].heldRetained = previous }
        } else {
            topics[Int(index)].heldRetained = nil
        }
        topics[Int(index)].retained = after
        return Int32(after.isHeld ? 1 : 0) - Int32(before.isHeld ? 1 : 0)
    }

    // MARK: History

    /// Moves the topic's replaced `last` into its history, then enforces the per-topic and global budgets.
    private func pushHistory(_ message: StoredMessage, into index: Int32) {
        let sequence = topics[Int(index)].history.nextSequence
        let (dropped, freed) = topics[Int(index)].history.append(
            message, maxCount: limits.historyCount, maxBytes: limits.historyBytes)
        historyBytes += message.cost - freed
        historyEntries += 1 - dropped
        historyQueue.append((index, sequence))
        while historyBytes > limits.totalHistoryBytes, let (topic, sequence) = historyQueue.popFirst() {
            // Entries the per-topic bounds already dropped are stale: skip them.
            guard topics[Int(topic)].history.oldestSequence == sequence else { continue }
            historyBytes -= topics[Int(topic)].history.dropOldest()
            historyEntries -= 1
        }
        // Stale entries must not pile up under an endless stream: compact when they dominate.
        if historyQueue.count > 2 * historyEntries + 1024 {
            historyQueue = Deque(historyQueue.filter { topics[Int($0.topic)].history.oldestSequence <= $0.sequence })
        }
    }

    // MARK: Numbers

    private func recordNumbers(_ index: Int32, payload: [UInt8], time: Double, previous: StoredMessage?) {
        NumberExtractor.numbers(in: payload, into: &numberScratch)
        let numbers = numberScratch
        guard !numbers.isEmpty else { return }
        if topics[Int(index)].series == nil {
            // A topic's first number is read from its payload when needed: a series (and its
            // memory) starts with the second, seeded with the previous message's numbers.
            let earlier = previous.map { NumberExtractor.numbers(in: $0.payload) } ?? []
            guard let previous, !earlier.isEmpty else { return }
            var series = SeriesSet()
            series.record(earlier, at: previous.time)
            topics[Int(index)].series = series
        }
        topics[Int(index)].series?.record(numbers, at: time)
    }

    /// A discovery config labels its state topic; an empty one removes the entity, and so its label.
    private func recordDiscovery(_ message: MQTTMessage, previous: StoredMessage?) {
        if message.payload.isEmpty {
            if let previous, let (stateTopic, _) = HomeAssistantDiscovery.label(topic: message.topic, payload: previous.payload) {
                labels[stateTopic] = nil
            }
        } else if let (stateTopic, label) = HomeAssistantDiscovery.label(topic: message.topic, payload: message.payload) {
            labels[stateTopic] = label
        }
    }
}
