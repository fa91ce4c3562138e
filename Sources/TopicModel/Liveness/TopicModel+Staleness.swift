/// Staleness: each topic learns its usual interval, and turns stale when its silence, counted on
/// the connected clock, passes `IntervalEstimate.staleAfter` that interval.
extension TopicModel {
    /// Notes a message's time; returns the change in the topic's stale count (-1 when it was stale).
    mutating func recordLiveness(_ index: Int32, at time: Double, isNew: Bool, retain: Bool, answersFromMemory: Bool) -> Int32 {
        // A retained value resent after a reconnect, or answering the subscription of a topic
        // known only from a recording, is old news: it says nothing about how often the topic
        // speaks or when it last did, and a stale topic stays stale.
        if !isNew, retain, links[ingesting].reconciliation != nil || answersFromMemory { return 0 }
        let now = links[ingesting].clock.connected(at: time)
        var liveness = topics[Int(index)].liveness
        if !isNew { liveness.intervals.record(now - liveness.lastConnected) }
        liveness.lastConnected = max(liveness.lastConnected, now)
        let wasStale = liveness.isStale
        liveness.isStale = false
        if let staleAfter = liveness.staleAfter {
            let deadline = liveness.lastConnected + staleAfter
            // One entry per topic, moved later lazily; an interval that shrank needs an earlier one.
            if !liveness.isScheduled || deadline < liveness.scheduledAt {
                liveness.isScheduled = true
                liveness.scheduledAt = deadline
                links[ingesting].staleSchedule.insert(StaleDeadline(connectedTime: deadline, topic: index))
            }
        }
        topics[Int(index)].liveness = liveness
        return wasStale ? -1 : 0
    }

    /// Marks the topics whose silence passed their threshold by `now`; returns whether any did.
    mutating func markStale(now: Double) -> Bool {
        var changed = false
        for broker in links.indices where markStale(now: now, broker: broker) { changed = true }
        return changed
    }

    /// Marks one broker's topics whose silence passed their threshold by `now`.
    private mutating func markStale(now: Double, broker: Int) -> Bool {
        // A broker that is down has no stale topics (its clock stands still meanwhile).
        guard !hasBrokerLevel || links[broker].clock.isConnected else { return false }
        let connectedNow = links[broker].clock.connected(at: now)
        var changed = false
        while let first = links[broker].staleSchedule.min, first.connectedTime <= connectedNow {
            links[broker].staleSchedule.removeMin()
            let index = Int(first.topic)
            // Only the topic's latest entry counts (an earlier one may have replaced it).
            guard topics[index].liveness.isScheduled, topics[index].liveness.scheduledAt == first.connectedTime,
                  let staleAfter = topics[index].liveness.staleAfter else { continue }
            let deadline = topics[index].liveness.lastConnected + staleAfter
            if deadline > connectedNow {
                // It spoke since this entry was made: wait for its true deadline.
                topics[index].liveness.scheduledAt = deadline
                links[broker].staleSchedule.insert(StaleDeadline(connectedTime: deadline, topic: first.topic))
                continue
            }
            // Stale until its next message, which schedules it again.
            topics[index].liveness.isScheduled = false
            topics[index].liveness.isStale = true
            addToPath(from: topics[index].node.index, \.staleCount, 1)
            changed = true
        }
        return changed
    }

    /// Seconds of connected time since the topic's last message.
    public func silence(of record: TopicRecord, now: Double) -> Double {
        max(0, links[broker(of: record.node) ?? 0].clock.connected(at: now) - record.liveness.lastConnected)
    }

    /// The stale topics and offline devices in tree order, visiting only the subtrees that have
    /// some, and the nodes on the way to `through` (so a caller can find what follows it).
    public func problems(through: NodeID? = nil) -> [NodeID] {
        var onPath: Set<Int32> = []
        if let through {
            var current = through.index
            while current != 0 {
                onPath.insert(current)
                current = nodes[Int(current)].parent.index
            }
        }
        var found: [NodeID] = []
        walk(from: 0) { index in
            let node = nodes[Int(index)]
            guard node.hasProblems || onPath.contains(index) else { return false }
            if index != 0, isProblem(index) || index == through?.index { found.append(NodeID(index)) }
            return true
        }
        return found
    }

    /// The next stale topic or offline device after `current` in tree order, wrapping around.
    public func nextProblem(after current: NodeID?) -> NodeID? {
        let list = problems(through: current)
        let isProblem = { (id: NodeID) in self.isProblem(id.index) }
        guard let current, let position = list.firstIndex(of: current) else { return list.first(where: isProblem) }
        return list[(position + 1)...].first(where: isProblem) ?? list[...position].first(where: isProblem)
    }

    /// A stale topic or an offline device.
    private func isProblem(_ index: Int32) -> Bool {
        let topic = nodes[Int(index)].topic
        return availability.isOfflineDevice(index) || (topic >= 0 && topics[Int(topic)].liveness.isStale)
    }
}
