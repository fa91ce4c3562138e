import HeapModule

/// One broker's connection as the model follows it: time that counts towards its topics'
/// staleness, their deadlines, and the retained values to confirm after its reconnect.
struct BrokerLink: Sendable {
    var clock = ConnectedClock()
    var staleSchedule = Heap<StaleDeadline>()
    var reconciliation: RetainedReconciliation?
    /// Retained messages that answered a subscription: the first of their topic since the client
    /// subscribed.
    var retainedAnswers = 0
}

extension TopicModel {
    /// When the first message arrived: rates over a window that began before it count only the
    /// time since (nothing before it was heard).
    public var watchingSince: Double? { firstMessageTime }
}

/// Several brokers in one tree: each is a first-level node named for it, and its topics live
/// below it. Liveness stays per broker (each has its own connected clock and reconnect burst),
/// and the conventions read a topic's own name, never the broker's.
///
/// A model made without broker names is one broker's tree, as before: its topics are the first
/// level, and every `broker:` is 0.
extension TopicModel {
    /// Whether the tree's first level is the brokers.
    public var hasBrokerLevel: Bool { !brokerNames.isEmpty }

    /// The node a broker's topics hang from: its own node, or the root for a single broker.
    public func root(ofBroker broker: Int) -> NodeID {
        hasBrokerLevel ? NodeID(Int32(broker + 1)) : .root
    }

    /// The broker a node belongs to: 0 for a single broker, nil for the root above the brokers.
    public func broker(of id: NodeID) -> Int? {
        guard hasBrokerLevel else { return 0 }
        var current = id.index
        while current != 0 {
            let parent = nodes[Int(current)].parent.index
            if parent == 0 { return Int(current) - 1 }
            current = parent
        }
        return nil
    }

    /// A node's topic name within its broker (its full path, for a single broker); "" for a
    /// broker's own node.
    public func topicName(of id: NodeID) -> String {
        guard hasBrokerLevel else { return path(of: id) }
        guard let broker = broker(of: id) else { return "" }
        return path(of: id.index, above: root(ofBroker: broker).index)
    }

    /// The node for a topic name or prefix within a broker, if known.
    func find(_ topic: String, broker: Int) -> NodeID? { find(topic, below: root(ofBroker: broker)) }

    /// A topic name as the model's tables key it: the broker's number ahead of it when there
    /// are several (two homes may both have `zigbee2mqtt/lamp`).
    func key(_ topic: String, broker: Int) -> String {
        hasBrokerLevel ? "\(broker)\u{0}\(topic)" : topic
    }

    /// Retained messages from `broker` that answered a subscription (the first of their topic
    /// since the client subscribed): a collecting command's burst is over when this stops growing.
    public func retainedAnswers(ofBroker broker: Int = 0) -> Int { links[broker].retainedAnswers }

    /// The connected clock of a broker (the only one, by default).
    public func clock(ofBroker broker: Int = 0) -> ConnectedClock { links[broker].clock }

    // MARK: Connection

    /// A broker's connection was lost: its staleness stops counting, and a reconnect burst in
    /// progress proves nothing.
    ///
    /// With several brokers, its stale topics are no longer stale while it is down (they are
    /// unreachable): each is due again at once, on its connected clock, when the broker is back.
    public mutating func connectionLost(at time: Double, broker: Int = 0) {
        links[broker].clock.lose(at: time)
        links[broker].reconciliation = nil
        guard hasBrokerLevel else { return }
        var stale: [Int32] = []
        walk(from: root(ofBroker: broker).index) { index in
            guard nodes[Int(index)].staleCount > 0 else { return false }
            let topic = nodes[Int(index)].topic
            if topic >= 0, topics[Int(topic)].liveness.isStale { stale.append(topic) }
            return true
        }
        for topic in stale {
            let deadline = topics[Int(topic)].liveness.lastConnected + (topics[Int(topic)].liveness.staleAfter ?? 0)
            topics[Int(topic)].liveness.isStale = false
            topics[Int(topic)].liveness.isScheduled = true
            topics[Int(topic)].liveness.scheduledAt = deadline
            links[broker].staleSchedule.insert(StaleDeadline(connectedTime: deadline, topic: topic))
            addToPath(from: topics[Int(topic)].node.index, \.staleCount, -1)
        }
    }

    /// A broker's connection is back: its staleness counts again.
    public mutating func connectionRestored(at time: Double, broker: Int = 0) {
        links[broker].clock.restore(at: time)
    }
}

extension TopicModel {
    /// The traffic of the broker a node belongs to, for the node's share of it; nil for a
    /// broker's own node and the root (a share of itself says nothing).
    public func brokerTraffic(of id: NodeID) -> Traffic? {
        guard let broker = broker(of: id) else { return nil }
        let root = root(ofBroker: broker)
        return id == root ? nil : nodes[Int(root.index)].traffic
    }
}
