/// After a reconnect with a clean session the broker resends what it retains: the topics marked
/// retained that it does not resend are no longer held by it.
///
/// The set of topics to confirm opens when the subscriptions are sent again (a broker may send
/// retained messages before its SUBACK); the burst is over 500 ms after the last retained message
/// that answered the subscription (a device republishing with retain on does not hold it) or the
/// SUBACK, and at most 10 s after the SUBACK. Without a SUBACK (refused, or lost with the
/// connection) nothing is concluded.
struct RetainedReconciliation: Sendable {
    static let quiet = 0.5
    static let cap = 10.0

    /// When the subscriptions were sent again.
    let resent: Double
    /// When all of them were acknowledged.
    var acknowledged: Double?
    /// When the newest retained message of the burst arrived.
    var lastRetained: Double
    /// Topics (record indexes) marked retained that the broker has not resent yet.
    var unconfirmed: Set<Int32>

    /// When the burst counts as over, or (never acknowledged) is given up (wall time).
    var deadline: Double {
        guard let acknowledged else { return resent + Self.cap }
        return min(acknowledged + Self.cap, max(acknowledged, lastRetained) + Self.quiet)
    }
}

extension TopicModel {
    /// A broker's subscriptions were sent again after a reconnect without a session: every
    /// topic of it marked retained must now come back with retain=1 to stay so.
    public mutating func subscriptionsResent(at time: Double, broker: Int = 0) {
        let held = retainedTopics(under: root(ofBroker: broker)).map { nodes[Int($0.index)].topic }
        links[broker].reconciliation = RetainedReconciliation(resent: time, lastRetained: time, unconfirmed: Set(held))
    }

    /// The broker acknowledged every resent subscription at `time`: the burst's window starts.
    public mutating func subscriptionsRestored(at time: Double, broker: Int = 0) {
        if links[broker].reconciliation == nil { subscriptionsResent(at: time, broker: broker) }
        links[broker].reconciliation?.acknowledged = time
    }

    /// A retained message arrived: during a reconnect burst, it confirms the topic, and one that
    /// answers the subscription keeps the burst open.
    mutating func confirmRetained(_ index: Int32, at time: Double, answersSubscription: Bool) {
        guard var burst = links[ingesting].reconciliation else { return }
        links[ingesting].reconciliation = nil  // keeps the set uniquely referenced while it shrinks
        burst.unconfirmed.remove(index)
        if answersSubscription { burst.lastRetained = max(burst.lastRetained, time) }
        links[ingesting].reconciliation = burst
    }

    /// Ends the finished bursts: what was not resent is gone. Returns whether anything changed.
    mutating func settleReconciliation(now: Double) -> Bool {
        var changed = false
        for broker in links.indices where settleReconciliation(now: now, broker: broker) { changed = true }
        return changed
    }

    private mutating func settleReconciliation(now: Double, broker: Int) -> Bool {
        guard let burst = links[broker].reconciliation, now >= burst.deadline else { return false }
        links[broker].reconciliation = nil
        guard burst.acknowledged != nil else { return false }
        var changed = false
        for index in burst.unconfirmed.sorted() where topics[Int(index)].retained.isHeld {
            topics[Int(index)].retained = .gone
            topics[Int(index)].heldRetained = nil
            addToPath(from: topics[Int(index)].node.index, \.retainedCount, -1)
            changed = true
        }
        return changed
    }

    /// While the model waits for a reconnect burst to finish: when it counts as over (wall time).
    public var reconciliationDeadline: Double? { links.compactMap { $0.reconciliation?.deadline }.min() }
}
