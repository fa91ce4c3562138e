import MQTT
import Testing
@testable import TopicModel

/// After a reconnect the broker resends what it retains: what it does not resend is gone.
@Suite(.timeLimit(.minutes(3))) struct ReconciliationTests {
    let start = 1_800_000_000.0

    /// Three retained topics, one of them with a live value over it.
    func home() -> TopicModel {
        var model = TopicModel()
        model.ingest(msg("home/light", "ON", retain: true, at: start))
        model.ingest(msg("home/door", "closed", retain: true, at: start))
        model.ingest(msg("home/door", "open", at: start + 1))  // held, a live value shown
        model.ingest(msg("home/lock", "locked", retain: true, at: start))
        model.ingest(msg("home/temperature", "21", at: start))
        return model
    }

    @Test(arguments: ["3.1.1", "5.0"])
    func whatComesBackStaysAndWhatDoesNotIsGone(version: String) {
        var model = home()
        #expect(model.retainedCount == 3)
        model.connectionLost(at: start + 10)
        model.connectionRestored(at: start + 12)
        model.subscriptionsRestored(at: start + 12)
        // The broker resends the light (and, held, the door); the lock is lost.
        model.ingest(msg("home/light", "ON", retain: true, at: start + 12.01))
        model.ingest(msg("home/door", "closed", retain: true, at: start + 12.02))
        if version == "5.0" {
            // Retain-as-published: a live retained publish during the burst also confirms, but it
            // is no answer to the subscription, so it does not hold the burst open.
            model.ingest(msg("home/light", "OFF", retain: true, at: start + 12.1))
        } else {
            // 3.1.1 forwards live messages with retain=0: they confirm nothing.
            model.ingest(msg("home/lock", "unlocked", at: start + 12.1))
        }
        // Over 500 ms after the last retained message that answered the subscription.
        let lastRetained = start + 12.02
        #expect(model.reconciliationDeadline == lastRetained + 0.5)
        model.refresh(now: start + 12.3)
        #expect(model.record("home/lock")?.retained == (version == "5.0" ? .shown : .held), "not over yet")
        model.refresh(now: start + 13)
        #expect(model.reconciliationDeadline == nil)
        #expect(model.record("home/light")?.retained == .shown)
        // The light came back unchanged: the same message, not a second one (a live OFF is one in v5).
        #expect(model.record("home/light")?.messageCount == (version == "5.0" ? 2 : 1))
        #expect(model.record("home/door")?.retained == .shown)
        #expect(model.record("home/lock")?.retained == .gone)
        #expect(model.record("home/lock")?.heldRetained == nil)
        // Gone keeps the last value on screen.
        #expect(model.record("home/lock")?.last.payload == Array((version == "5.0" ? "locked" : "unlocked").utf8))
        #expect(model.retainedCount == 2)
        #expect(model.node(model.id("home")).retainedCount == 2)
        #expect(model.record("home/temperature")?.retained == RetainedState.none)
        // Published retained again, it is retained again.
        model.ingest(msg("home/lock", "locked", retain: true, at: start + 20))
        #expect(model.record("home/lock")?.retained == .shown)
        #expect(model.retainedCount == 3)
    }

    @Test func theClientsEventsDriveTheSameSteps() {
        var model = home()
        let error = MQTTClientError.disconnectedByServer(nil, reasonString: nil)
        model.follow(.connectionState(.reconnecting(delay: .seconds(1), attempt: 1, lastError: error)), at: start + 10)
        #expect(!model.clock().isConnected)
        model.follow(.resubscribing, at: start + 12)
        model.follow(.subscriptionsRestored, at: start + 12.01)
        #expect(model.reconciliationDeadline == start + 12.01 + 0.5)
        model.refresh(now: start + 13)
        #expect(model.retainedCount == 0, "nothing was resent")
    }

    @Test func aBrokerThatKeptEverythingChangesNothing() {
        var model = home()
        model.subscriptionsRestored(at: start + 12)
        for topic in ["home/light", "home/door", "home/lock"] {
            model.ingest(msg(topic, "x", retain: true, at: start + 12.1))
        }
        let changed = model.refresh(now: start + 20)
        #expect(!changed)
        #expect(model.retainedCount == 3)
        #expect(model.retainedTopics().count == 3)
    }

    @Test func aBurstThatNeverGoesQuietEndsAfterTenSeconds() {
        var model = home()
        model.subscriptionsRestored(at: start + 12)
        var time = start + 12
        var topic = 0
        while time < start + 30 {
            // A retained flood from elsewhere keeps answering every 100 ms, a new topic each time.
            model.ingest(msg("flood/\(topic)", "1", retain: true, at: time))
            model.refresh(now: time)
            time += 0.1
            topic += 1
        }
        #expect(model.reconciliationDeadline == nil)
        #expect(model.record("home/lock")?.retained == .gone)
        #expect(model.record("flood/120")?.retained == .shown)
    }

    @Test func aDeviceRepublishingWithRetainDoesNotHoldTheBurstOpen() {
        var model = home()
        model.subscriptionsRestored(at: start + 12)
        model.ingest(msg("home/light", "ON", retain: true, at: start + 12.01))
        // The plug publishes its live state retained every 100 ms: its first is the answer.
        for tenth in 0..<30 { model.ingest(msg("plug", "\(tenth)", retain: true, at: start + 12.05 + Double(tenth) / 10)) }
        #expect(model.reconciliationDeadline == start + 12.05 + 0.5)
        model.refresh(now: start + 12.6)
        #expect(model.reconciliationDeadline == nil)
        #expect(model.record("home/lock")?.retained == .gone && model.record("home/light")?.retained == .shown)
    }

    @Test func theCapIsTenSecondsAfterTheSuback() {
        var model = home()
        model.subscriptionsRestored(at: start + 12)
        for tenth in 0..<98 { model.ingest(msg("flood/\(tenth)", "1", retain: true, at: start + 12 + Double(tenth) / 10)) }
        model.refresh(now: start + 21.9)
        #expect(model.reconciliationDeadline == start + 22)
        #expect(model.record("home/lock")?.retained == .shown)
        model.refresh(now: start + 22)
        #expect(model.reconciliationDeadline == nil)
        #expect(model.record("home/lock")?.retained == .gone)
    }

    @Test func retainedMessagesBeforeTheSubackConfirmToo() {
        var model = home()
        // The set opens when the subscriptions are sent again: a broker may answer with the
        // retained messages before its SUBACK.
        model.subscriptionsResent(at: start + 12)
        for topic in ["home/light", "home/door", "home/lock"] { model.ingest(msg(topic, "x", retain: true, at: start + 12.01)) }
        model.subscriptionsRestored(at: start + 12.02)
        #expect(model.reconciliationDeadline == start + 12.02 + 0.5)
        model.refresh(now: start + 13)
        #expect(model.retainedCount == 3)
        #expect(model.retainedTopics().allSatisfy { model.topic(at: $0)?.retained == .shown })
    }

    @Test func aRefusedOrInterruptedResubscribeConcludesNothing() {
        var model = home()
        // Refused: no SUBACK accepts it; the set is given up after ten seconds, nothing is gone.
        model.subscriptionsResent(at: start + 12)
        model.refresh(now: start + 21)
        #expect(model.reconciliationDeadline == start + 22)
        let changed = model.refresh(now: start + 23)
        #expect(!changed)
        #expect(model.reconciliationDeadline == nil)
        #expect(model.retainedCount == 3)
        // The connection drops in the middle of a burst: what was not resent yet is not gone.
        model.subscriptionsRestored(at: start + 30)
        model.ingest(msg("home/light", "ON", retain: true, at: start + 30.1))
        model.connectionLost(at: start + 30.2)
        #expect(model.reconciliationDeadline == nil)
        model.refresh(now: start + 40)
        #expect(model.retainedCount == 3)
    }

    @Test func aStaleTopicResentAsRetainedStaysStale() {
        var model = TopicModel()
        for index in 0..<5 { model.ingest(msg("home/t", "1", retain: true, at: start + Double(index) * 10)) }
        model.refresh(now: start + 200)
        #expect(model.staleCount == 1)
        model.connectionLost(at: start + 200)
        model.connectionRestored(at: start + 201)
        model.subscriptionsResent(at: start + 201)
        model.ingest(msg("home/t", "1", retain: true, at: start + 201.01))
        model.subscriptionsRestored(at: start + 201.02)
        model.refresh(now: start + 202)
        #expect(model.staleCount == 1, "a retained copy is old news, not a sign of life")
        #expect(model.record("home/t")?.retained == .shown)
        model.ingest(msg("home/t", "2", retain: true, at: start + 205))
        #expect(model.staleCount == 0, "a live message after the burst is")
    }

    @Test func aResentRetainedValueTeachesNoInterval() {
        var model = TopicModel()
        for index in 0..<4 { model.ingest(msg("home/t", "1", retain: true, at: start + Double(index) * 60)) }
        #expect(model.record("home/t")?.liveness.intervals.count == 3)
        model.subscriptionsRestored(at: start + 200)
        model.ingest(msg("home/t", "1", retain: true, at: start + 200.01))
        #expect(model.record("home/t")?.liveness.intervals.count == 3)
        #expect(model.record("home/t")?.liveness.intervals.interval == 60)
    }
}
