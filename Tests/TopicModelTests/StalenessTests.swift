import Testing
@testable import TopicModel

/// Staleness: each topic learns its usual interval, and the clock counts connected time only.
@Suite(.timeLimit(.minutes(3))) struct StalenessTests {
    let start = 1_800_000_000.0

    /// A topic that spoke `count` times, `every` seconds apart from `start`.
    func model(_ topic: String = "home/hall/temperature", count: Int, every: Double) -> TopicModel {
        var model = TopicModel()
        for index in 0..<count { model.ingest(msg(topic, "21", at: start + Double(index) * every)) }
        return model
    }

    @Test func theIntervalIsTheMedianOfTheLastSixteenGapsOnceThereAreThree() {
        var estimate = IntervalEstimate()
        estimate.record(10)
        estimate.record(10)
        #expect(estimate.interval == nil)
        estimate.record(40)
        #expect(estimate.interval == 10)
        // Four long gaps, then sixteen of 30 s: the long ones have left the window.
        var drifting = IntervalEstimate()
        for _ in 0..<4 { drifting.record(3600) }
        for _ in 0..<16 { drifting.record(30) }
        #expect(drifting.interval == 30)
        // An even count takes the mean of the middle two.
        var even = IntervalEstimate()
        for gap in [10.0, 20, 30, 40] { even.record(gap) }
        #expect(even.interval == 25)
    }

    @Test func theWindowKeepsSlidingPastTwoHundredAndFiftyFiveGaps() {
        // The ring's one byte of bookkeeping wraps at 255: each window after it still holds
        // exactly the last sixteen gaps.
        var estimate = IntervalEstimate()
        for round in 0..<40 {
            let gap = Double(10 + round)
            for _ in 0..<8 { estimate.record(gap) }
            for _ in 0..<8 { estimate.record(gap + 1000) }
            #expect(estimate.count == 16)
            #expect(estimate.interval == gap + 500)
        }
    }

    @Test func theThresholdIsThreeIntervalsAndAtLeastAMinuteMoreThanOne() {
        #expect(IntervalEstimate.staleAfter(interval: 10) == 70)
        #expect(IntervalEstimate.staleAfter(interval: 30) == 90)
        #expect(IntervalEstimate.staleAfter(interval: 60) == 180)
        #expect(IntervalEstimate.staleAfter(interval: 0) == 60)
    }

    @Test func aTopicTurnsStaleAtItsThresholdAndFreshOnItsNextMessage() throws {
        var model = model(count: 5, every: 10)
        let last = start + 40
        let id = model.id("home/hall/temperature")
        #expect(model.topic(at: id)?.liveness.intervals.interval == 10)
        // Due at last + 70: the model says when, so a quiet program sleeps until then. Its entry
        // was made at the fourth message, so it wakes early once and moves to the true deadline.
        let first = try #require(model.nextDeadline)
        #expect(first <= last + 70)
        model.refresh(now: first)
        #expect(model.nextDeadline == last + 70)
        let early = model.refresh(now: last + 69)
        #expect(!early)
        #expect(model.staleCount == 0)
        let due = model.refresh(now: last + 71)
        #expect(due)
        #expect(model.record("home/hall/temperature")?.liveness.isStale == true)
        #expect(model.staleCount == 1)
        #expect(model.node(model.id("home")).staleCount == 1)
        #expect(model.node(model.id("home/hall")).staleCount == 1)
        #expect(model.silence(of: try #require(model.topic(at: id)), now: last + 71) == 71)
        model.ingest(msg("home/hall/temperature", "22", at: last + 75))
        #expect(model.record("home/hall/temperature")?.liveness.isStale == false)
        #expect(model.staleCount == 0)
        #expect(model.node(model.id("home")).staleCount == 0)
    }

    @Test func aTopicThatSpokeSinceItsEntryMovesToItsTrueDeadline() {
        var model = model(count: 5, every: 10)
        // It keeps speaking every 10 s: the first entry (due at 110) is early, and moves.
        for index in 5..<12 { model.ingest(msg("home/hall/temperature", "21", at: start + Double(index) * 10)) }
        let early = model.refresh(now: start + 115)
        #expect(!early)
        #expect(model.staleCount == 0)
        #expect(model.nextDeadline == start + 110 + 70)
        let due = model.refresh(now: start + 181)
        #expect(due)
        #expect(model.staleCount == 1)
    }

    @Test func anIntervalThatShrinksBringsTheDeadlineForward() {
        // Hourly at first, then every 10 s: the entry made for the hourly interval must not
        // keep it from turning stale after 70 s.
        var model = TopicModel()
        var time = start
        for _ in 0..<4 {
            model.ingest(msg("home/t", "1", at: time))
            time += 3600
        }
        for _ in 0..<20 {
            model.ingest(msg("home/t", "1", at: time))
            time += 10
        }
        let last = time - 10
        #expect(model.record("home/t")?.liveness.intervals.interval == 10)
        model.refresh(now: last + 71)
        #expect(model.staleCount == 1)
    }

    @Test func aTopicThatArrivedOnceOrTwiceIsNeverStale() {
        var model = TopicModel()
        model.ingest(msg("light/state", "ON", retain: true, at: start))
        model.ingest(msg("door", "closed", retain: true, at: start))
        model.ingest(msg("door", "open", at: start + 5))
        // Three messages make two gaps: still no interval.
        for index in 0..<3 { model.ingest(msg("switch", "1", at: start + Double(index))) }
        #expect(model.nextDeadline == nil)
        model.refresh(now: start + 30 * 86400)
        #expect(model.staleCount == 0)
    }

    @Test func timeDisconnectedDoesNotCount() {
        var model = model(count: 5, every: 10)
        let last = start + 40
        // Down from +30 s to +600 s after the last message: 570 s that do not count.
        model.connectionLost(at: last + 30)
        #expect(model.nextDeadline == nil, "nothing turns stale while nobody listens")
        model.refresh(now: last + 500)
        #expect(model.staleCount == 0)
        model.connectionRestored(at: last + 600)
        // The entry made at the fourth message (due 100 s after the start, connected) is early.
        #expect(model.nextDeadline == last + 570 + 60)
        model.refresh(now: last + 630)  // 60 s of connected silence
        #expect(model.staleCount == 0)
        model.refresh(now: last + 641)  // 71 s
        #expect(model.staleCount == 1)
    }

    @Test func theNextProblemGoesInTreeOrderAndWraps() {
        var model = TopicModel()
        for topic in ["b/quiet", "a/quiet", "c/chatty"] {
            for index in 0..<4 { model.ingest(msg(topic, "1", at: start + Double(index) * 10)) }
        }
        model.ingest(msg("c/chatty", "1", at: start + 100))
        model.refresh(now: start + 101)
        #expect(model.staleCount == 2)
        let first = model.nextProblem(after: nil)
        #expect(first.map { model.path(of: $0) } == "a/quiet")
        let second = model.nextProblem(after: first)
        #expect(second.map { model.path(of: $0) } == "b/quiet")
        #expect(model.nextProblem(after: second).map { model.path(of: $0) } == "a/quiet")
        // From a node that is not a problem: the next one after it.
        #expect(model.nextProblem(after: model.id("a")).map { model.path(of: $0) } == "a/quiet")
        #expect(model.nextProblem(after: model.id("c/chatty")).map { model.path(of: $0) } == "a/quiet")
    }
}
