import DequeModule
import Foundation
import HeapModule
import MQTT

/// Everything the broker has said: a tree of topics with retained state, liveness, bounded history
/// and numeric series.
///
/// A value: one isolation domain owns it (the program keeps it in a `Mutex`). Feed it with
/// `ingest`, tell it about the connection, `refresh` it before reading a frame, then query it.
/// Every update costs O(depth of the topic); no query walks the whole tree unless it says so.
///
/// ```swift
/// var model = TopicModel()
/// model.ingest(messages)
/// model.refresh(now: Date().timeIntervalSince1970)
/// let kitchen = model.find("home/kitchen")
/// model.node(kitchen!).retainedCount
/// ```
public struct TopicModel: Sendable {
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
    public internal(set) var nodes = ChunkedArray<TopicNode>()
    public internal(set) var topics = ChunkedArray<TopicRecord>()
    /// The child lists of nodes with two or more children (`TopicNode.childList`): most nodes
    /// have one child or none, and pay 4 bytes for the list they do not have.
    var childLists: [ChildList] = []
    /// Home Assistant discovery labels, by the state topic they describe.
    public private(set) var labels: [String: SeriesLabel] = [:]
    /// Bytes held by all topics' history.
    public private(set) var historyBytes = 0
    /// Every history entry in arrival order, as (topic, per-topic sequence), for global trimming.
    var historyQueue = Deque<(topic: Int32, sequence: UInt64)>()
    var historyEntries = 0
    /// Parents whose child lists wait to be merged into natural order (see `refresh`).
    var unsettledParents: [Int32] = []

    // MARK: Brokers and liveness state
    /// The brokers whose trees are the first level, in the order they were given; empty for one
    /// broker's tree (see `TopicModel+Brokers`).
    public let brokerNames: [String]
    /// Each broker's connection (one without broker names).
    var links: [BrokerLink]
    /// The broker whose message is being ingested.
    var ingesting = 0
    /// When the first message arrived (see `watchingSince`).
    var firstMessageTime: Double?
    /// The availability watch: devices, sources and discovery rules (see `TopicModel+Availability`).
    var availability = AvailabilityWatch()
    /// The home's temperatures in °F less those in °C, by topic (see `CountedReadings`).
    var fahrenheitLean = 0
    /// Topics that send a temperature in both °C and °F.
    var pairedTopics = Set<Int32>()
    /// Topics seeded from a recording whose series are still to be read (see `TopicModel+Recorded`).
    var unreadHistory = Set<Int32>()

    private var pathScratch: [Int32] = []
    private var levelScratch: [String] = []
    private var createdScratch: [Int32] = []
    private var numberScratch: [(path: String, value: Double)] = []

    /// - Parameter brokers: with two or more names, the tree's first level is one node per
    ///   broker, and messages are ingested with their broker's number (in this order).
    public init(limits: Limits = Limits(), brokers: [String] = []) {
        self.limits = limits
        nodes.append(TopicNode(name: "", parent: .root, depth: 0))
        // Names are the first level's: one given twice (the caller refuses that) is told apart.
        var seen = Set<String>()
        brokerNames = brokers.count > 1 ? brokers.enumerated().map { seen.insert($1).inserted ? $1 : "\($1) (\($0 + 1))" } : []
        links = Array(repeating: BrokerLink(), count: max(1, brokers.count))
        for (index, name) in brokerNames.enumerated() {
            nodes.append(TopicNode(name: name, parent: .root, depth: 1))
            addChild(Int32(index + 1), named: name, to: 0)
        }
        // Settles the root's child list: the brokers are in natural order from the first frame.
        refresh(now: 0)
    }

    // MARK: - Queries

    public func node(_ id: NodeID) -> TopicNode { nodes[Int(id.index)] }

    /// The topic record at this node, when the node is a topic.
    public func topic(at id: NodeID) -> TopicRecord? {
        let index = nodes[Int(id.index)].topic
        return index >= 0 ? topics[Int(index)] : nil
    }

    /// The node for a topic name or prefix, if known.
    public func find(_ path: String) -> NodeID? { find(path, below: .root) }

    /// The node for a path below `start`, if known.
    func find(_ path: String, below start: NodeID) -> NodeID? {
        var current = start.index
        for level in path.split(separator: "/", omittingEmptySubsequences: false) {
            guard let child = child(of: current, named: String(level)) else { return nil }
            current = child
        }
        return current == start.index ? nil : NodeID(current)
    }

    /// The full topic name of a node.
    public func path(of id: NodeID) -> String { path(of: id.index, above: 0) }

    /// The levels from below `top` down to `index`, joined by "/": written once into a string
    /// of the right size, since every printed topic and every reading asks for it.
    func path(of index: Int32, above top: Int32) -> String {
        var length = -1
        var current = index
        while current != top, current != 0 {
            length += nodes[Int(current)].name.utf8.count + 1
            current = nodes[Int(current)].parent.index
        }
        guard length > 0 else { return "" }
        return String(unsafeUninitializedCapacity: length) { buffer in
            var end = length
            var current = index
            while current != top, current != 0 {
                var name = nodes[Int(current)].name
                name.withUTF8 { utf8 in
                    end -= utf8.count
                    _ = UnsafeMutableBufferPointer(rebasing: buffer[end..<end + utf8.count]).initialize(from: utf8)
                }
                current = nodes[Int(current)].parent.index
                if end > 0 {
                    end -= 1
                    buffer[end] = UInt8(ascii: "/")
                }
            }
            return length
        }
    }

    /// Children in natural order.
    public func children(of id: NodeID) -> [NodeID] {
        orderedChildren(id.index).map(NodeID.init)
    }

    /// How many children a node has.
    public func childCount(of id: NodeID) -> Int {
        let node = nodes[Int(id.index)]
        return node.childList >= 0 ? childLists[Int(node.childList)].count : (node.onlyChild >= 0 ? 1 : 0)
    }

    func orderedChildren(_ index: Int32) -> [Int32] {
        let node = nodes[Int(index)]
        if node.childList >= 0 { return childLists[Int(node.childList)].ordered { self.nodes[Int($0)].name } }
        return node.onlyChild >= 0 ? [node.onlyChild] : []
    }

    /// The child with this name, from the only-child slot or the child list.
    func child(of parent: Int32, named name: String) -> Int32? {
        // Field by field, borrowed in place: copying the node or its list would retain and
        // release each of their references.
        let list = nodes[Int(parent)].childList
        if list >= 0 { return childLists[Int(list)].child(named: name) { nodes[Int($0)].name } }
        let only = nodes[Int(parent)].onlyChild
        return only >= 0 && nodes[Int(only)].name == name ? only : nil
    }

    /// Adds a child, moving to a child list when the second one arrives.
    private mutating func addChild(_ child: Int32, named name: String, to parent: Int32) {
        let only = nodes[Int(parent)].onlyChild
        var list = nodes[Int(parent)].childList
        if list < 0, only < 0 {
            nodes[Int(parent)].onlyChild = child
            return
        }
        if list < 0 {
            list = Int32(childLists.count)
            childLists.append(ChildList())
            nodes[Int(parent)].childList = list
            nodes[Int(parent)].onlyChild = -1
        }
        // The names through a local, taken after the last change to a node: a closure reading
        // `self` would copy the whole model, and a change while it is held would copy a chunk.
        let names = nodes
        let nameOf = { (id: Int32) in names[Int(id)].name }
        if only >= 0, childLists[Int(list)].add(nameOf(only), only, names: nameOf) { unsettledParents.append(parent) }
        if childLists[Int(list)].add(name, child, names: nameOf) { unsettledParents.append(parent) }
    }

    /// The topics at or below `id` that hold a retained value, in tree order.
    ///
    /// Visits only subtrees whose retained count is non-zero.
    public func retainedTopics(under id: NodeID = .root) -> [NodeID] {
        var found: [NodeID] = []
        walk(from: id.index) { index in
            let node = nodes[Int(index)]
            guard node.retainedCount > 0 else { return false }
            if node.topic >= 0, topics[Int(node.topic)].retained.isHeld { found.append(NodeID(index)) }
            return true
        }
        return found
    }

    /// Visits `start` and the nodes below it depth first, in natural order; `visit` says whether
    /// to go below a node. An explicit stack: topics can be deeper than the thread's stack allows
    /// recursion.
    func walk(from start: Int32, ordering: ChildOrdering? = nil, _ visit: (Int32) -> Bool) {
        var stack = [start]
        while let index = stack.popLast() {
            guard visit(index) else { continue }
            stack += orderedChildren(index, ordering).reversed()
        }
    }

    public var topicCount: Int { Int(nodes[0].topicCount) }
    public var retainedCount: Int { Int(nodes[0].retainedCount) }
    public var messageCount: Int { nodes[0].messageCount }
    /// Topics that went quiet for longer than they usually do.
    public var staleCount: Int { Int(nodes[0].staleCount) }
    /// Devices that announced themselves offline.
    public var offlineDeviceCount: Int { Int(nodes[0].offlineCount) }

    /// The Home Assistant label of a topic, if discovery named it.
    /// The Home Assistant label of a topic's field ("" for the whole payload), if discovery named it.
    public func label(for id: NodeID, field: String = "") -> SeriesLabel? {
        guard !labels.isEmpty, let broker = broker(of: id) else { return nil }
        return labels[HomeAssistantDiscovery.labelKey(key(topicName(of: id), broker: broker), field: field)]
    }

    // MARK: - Time

    /// Brings what depends on time up to `now`: topics that went quiet turn stale, a finished
    /// reconnect burst settles the retained state, and new children take their place in order.
    /// Call it before reading a frame. Returns whether a count or marker changed.
    @discardableResult
    public mutating func refresh(now: Double) -> Bool {
        do {
            // The names through a local: a closure reading `self` would copy the whole model.
            // Only child lists change here, so one local serves every parent; it is gone before
            // the nodes change below (held then, it would make them copy their chunks).
            let names = nodes
            for parent in unsettledParents {
                childLists[Int(names[Int(parent)].childList)].settle { names[Int($0)].name }
            }
        }
        unsettledParents.removeAll()
        let staled = markStale(now: now)
        let settled = settleReconciliation(now: now)
        return staled || settled
    }

    /// When `refresh` next has work of its own (wall time), so a quiet program can sleep until then.
    public var nextDeadline: Double? {
        var deadline: Double?
        for link in links {
            if let due = link.reconciliation?.deadline { deadline = min(deadline ?? due, due) }
            if link.clock.isConnected, let first = link.staleSchedule.min {
                let wall = link.clock.wallTime(atConnected: first.connectedTime)
                deadline = min(deadline ?? wall, wall)
            }
        }
        return deadline
    }

    // MARK: - Ingest

    /// Adds a batch of messages (one turn of the consumer).
    public mutating func ingest(_ messages: some Sequence<MQTTMessage>) {
        for message in messages { ingest(message) }
    }

    /// Adds one message from `broker` (0 for a single broker's tree): O(depth) for the tree and
    /// counts. Returns the topic's node.
    @discardableResult
    public mutating func ingest(_ message: MQTTMessage, broker: Int = 0) -> NodeID {
        ingesting = broker
        let time = message.receivedAt.timeIntervalSince1970
        let leaf = locate(message.topic)
        var topicIndex = nodes[Int(leaf)].topic
        let isNewTopic = topicIndex < 0
        // After a reconnect the broker sends the retained values again: one that did not change
        // is the same message, not a new one. It confirms the topic, and counts nothing.
        // A subscription's answer: the first retained message of each topic. A device that
        // publishes with retain on sends more of them later, and they are live.
        let answersSubscription = message.retain
            && (isNewTopic || !topics[Int(topicIndex)].retained.isHeld || isUnconfirmed(topicIndex))
        if answersSubscription { links[broker].retainedAnswers += 1 }
        if !isNewTopic, RetainedEcho.isEcho(retain: message.retain, firstSinceSubscribing: isUnconfirmed(topicIndex),
                                            samePayload: showsRetained(topicIndex, payload: message.payload)) {
            confirmRetained(topicIndex, at: time, answersSubscription: true)
            return NodeID(leaf)
        }
        // Known only from a recording (never retained here): a retained answer to the
        // subscription says nothing of when it last spoke.
        let answersFromMemory = answersSubscription && !isNewTopic && topics[Int(topicIndex)].retained == .none
        let stored = StoredMessage(message, cap: limits.payloadCap)
        var previous: StoredMessage?
        if isNewTopic {
            topicIndex = Int32(topics.count)
            topics.append(TopicRecord(last: stored, firstSeen: time, node: NodeID(leaf)))
            nodes[Int(leaf)].topic = topicIndex
        } else {
            let last = topics[Int(topicIndex)].last
            previous = last
            pushHistory(last, into: topicIndex)
            topics[Int(topicIndex)].last = stored
        }
        let retainedDelta = updateRetained(topicIndex, message: message, previous: previous, answersSubscription: answersSubscription)
        topics[Int(topicIndex)].messageCount += 1
        let fieldsChanged = recordNumbers(topicIndex, payload: message.payload, time: time, previous: previous)
        // Known before counting: an availability topic's words are not a device's state.
        if isNewTopic { watchAvailability(topicIndex, topic: message.topic) }
        let counts = fieldsChanged || isNewTopic ? countReadings(topicIndex, topic: message.topic, force: isNewTopic) : ReadingCounts()
        let staleDelta = recordLiveness(topicIndex, at: time, isNew: isNewTopic, retain: message.retain, answersFromMemory: answersFromMemory)
        if firstMessageTime == nil { firstMessageTime = time }
        // A subscription's answer is the broker's memory, not traffic: it does not flood anything.
        let traffic = !answersSubscription
        let second = Traffic.second(time), bytes = UInt32(clamping: message.payload.count)
        for index in pathScratch {
            nodes[Int(index)].messageCount += 1
            if traffic { nodes[Int(index)].traffic.record(bytes: bytes, second: second) }
            if time > nodes[Int(index)].newest { nodes[Int(index)].newest = time }
            if isNewTopic { nodes[Int(index)].topicCount += 1 }
            nodes[Int(index)].retainedCount += retainedDelta
            nodes[Int(index)].staleCount += staleDelta
            if counts != ReadingCounts() { nodes[Int(index)].add(counts) }
        }
        if !createdScratch.isEmpty, availability.hasPendingDevices { adoptPendingDevices(createdScratch) }
        if topics[Int(topicIndex)].announcesAvailability { announceAvailability(topicIndex) }
        if message.topic.utf8.starts(with: "homeassistant/".utf8) { recordDiscovery(message, previous: previous) }
        return NodeID(leaf)
    }

    /// Adds `delta` to a count on every node from `leaf` up to the root.
    mutating func addToPath(from leaf: Int32, _ count: WritableKeyPath<TopicNode, Int32>, _ delta: Int32) {
        var current = leaf
        while true {
            nodes[Int(current)][keyPath: count] += delta
            if current == 0 { return }
            current = nodes[Int(current)].parent.index
        }
    }

    /// Finds or creates the node for `topic`, leaving the path (root to leaf) in `pathScratch`
    /// and the nodes it created in `createdScratch`.
    private mutating func locate(_ topic: String) -> Int32 {
        pathScratch.removeAll(keepingCapacity: true)
        createdScratch.removeAll(keepingCapacity: true)
        pathScratch.append(0)
        var current = root(ofBroker: ingesting).index
        if current != 0 { pathScratch.append(current) }
        // Levels are cut from the contiguous UTF-8 bytes (cheaper than slicing the String), in a
        // closure that touches no part of the model: one that did would copy it on every call.
        var levels: [String] = []
        swap(&levels, &levelScratch)
        levels.removeAll(keepingCapacity: true)
        var bytes = topic
        bytes.withUTF8 { utf8 in
            var start = 0
            while true {
                let end = utf8[start...].firstIndex(of: UInt8(ascii: "/")) ?? utf8.count
                levels.append(String(decoding: UnsafeBufferPointer(rebasing: utf8[start..<end]), as: UTF8.self))
                guard end < utf8.count else { return }
                start = end + 1
            }
        }
        for name in levels {
            if let child = child(of: current, named: name) {
                current = child
            } else {
                let child = Int32(nodes.count)
                nodes.append(TopicNode(name: name, parent: NodeID(current), depth: nodes[Int(current)].depth + 1))
                addChild(child, named: name, to: current)
                createdScratch.append(child)
                current = child
            }
            pathScratch.append(current)
        }
        swap(&levels, &levelScratch)
        return current
    }

    /// Whether the topic is still unconfirmed in a reconnect's burst: nothing heard of it since
    /// the client subscribed again.
    private func isUnconfirmed(_ index: Int32) -> Bool {
        links[ingesting].reconciliation?.unconfirmed.contains(index) ?? false
    }

    /// Whether `payload` is the retained value the topic shows. A value held under a live one is
    /// shown again when resent, so it does not count.
    private func showsRetained(_ index: Int32, payload: [UInt8]) -> Bool {
        let record = topics[Int(index)]
        // A payload over the display cap is stored cut, and cannot be compared: it counts.
        guard record.retained == .shown, record.last.size == payload.count, record.last.payloadCount == payload.count else { return false }
        return record.last.hasPayload(payload)
    }

    /// Applies the retained transition; returns the change in "holds a retained value" (-1, 0, 1).
    private mutating func updateRetained(_ index: Int32, message: MQTTMessage, previous: StoredMessage?,
                                         answersSubscription: Bool) -> Int32 {
        let before = topics[Int(index)].retained
        let after = before.after(retain: message.retain, payloadIsEmpty: message.payload.isEmpty)
        if after == .held {
            // Keep the retained value that the live one now covers.
            if before == .shown, let previous { topics[Int(index)].heldRetained = previous }
        } else {
            topics[Int(index)].heldRetained = nil
        }
        topics[Int(index)].retained = after
        if message.retain {
            confirmRetained(index, at: message.receivedAt.timeIntervalSince1970, answersSubscription: answersSubscription)
        }
        return Int32(after.isHeld ? 1 : 0) - Int32(before.isHeld ? 1 : 0)
    }

    // MARK: History

    /// Moves the topic's replaced `last` into its history, then enforces the per-topic and global budgets.
    private mutating func pushHistory(_ message: StoredMessage, into index: Int32) {
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

    /// Records the payload's numbers; returns whether the topic's fields may have changed (so
    /// its counts are worked out again), which most messages do not.
    private mutating func recordNumbers(_ index: Int32, payload: [UInt8], time: Double, previous: StoredMessage?) -> Bool {
        NumberExtractor.numbers(in: payload, into: &numberScratch)
        let numbers = numberScratch
        // A plain reading's unit stays once seen: a payload without one ("unavailable") does not
        // turn a temperature into something else.
        var unitChanged = false
        if numbers.count == 1, numbers[0].path.isEmpty, let unit = NumberExtractor.plainUnit(in: payload),
           unit != topics[Int(index)].plainUnit {
            topics[Int(index)].plainUnit = unit
            unitChanged = true
        }
        guard !numbers.isEmpty else {
            // A topic's only numbers replaced by text: it has no field left.
            let had = topics[Int(index)].counted.signature > 0 && !topics[Int(index)].firstNumbers.isEmpty
            topics[Int(index)].firstNumbers = []
            return had
        }
        if topics[Int(index)].series == nil {
            // A topic's first numbers wait in `firstNumbers`: a series (and its memory) starts with
            // the second numeric message, seeded with the first.
            let earlier = topics[Int(index)].firstNumbers
            guard let previous, !earlier.isEmpty else {
                topics[Int(index)].firstNumbers = numbers
                return true
            }
            var series = SeriesSet()
            series.record(earlier, at: previous.time)
            topics[Int(index)].series = series
            topics[Int(index)].firstNumbers = []
            topics[Int(index)].series?.record(numbers, at: time)
            return true
        }
        let added = topics[Int(index)].series?.record(numbers, at: time) ?? false
        // A plain payload that turns from a state word into a number (or back) changes what
        // counts: compared with what was counted, not with the previous payload.
        if added || unitChanged { return true }
        guard numbers.count == 1, numbers[0].path.isEmpty else { return false }
        return NumberExtractor.isStateWord(payload) != (topics[Int(index)].counted.signature & 1 == 1)
    }

    /// A discovery config labels its state topic and may name its availability; an empty one
    /// removes the entity, and so its label and rules.
    private mutating func recordDiscovery(_ message: MQTTMessage, previous: StoredMessage?) {
        var relabelled: [String] = []
        if let previous, let old = HomeAssistantDiscovery.config(topic: message.topic, payload: previous.payload) {
            labels[HomeAssistantDiscovery.labelKey(key(old.stateTopic, broker: ingesting), field: old.field)] = nil
            forgetAvailabilityRules(old.availability)
            relabelled.append(old.stateTopic)
        }
        if !message.payload.isEmpty, let config = HomeAssistantDiscovery.config(topic: message.topic, payload: message.payload) {
            labels[HomeAssistantDiscovery.labelKey(key(config.stateTopic, broker: ingesting), field: config.field)] = config.label
            adoptAvailabilityRules(config.availability)
            relabelled.append(config.stateTopic)
        }
        // A unit may turn a state topic's series into a temperature, or back.
        for stateTopic in relabelled {
            guard let node = find(stateTopic, broker: ingesting), nodes[Int(node.index)].topic >= 0 else { continue }
            addToPath(from: node.index, countReadings(nodes[Int(node.index)].topic, topic: stateTopic, force: true))
        }
    }
}
