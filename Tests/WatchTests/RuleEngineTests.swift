import Foundation
import MQTT
import Testing
import TopicModel
@testable import Watch

/// The rule engine on an injected clock: each condition fires once, resolves once, and waits for
/// `for`; limits have hysteresis, reminders come at `repeat`, a broker that is down is unknown,
/// a silence mutes actions, and a saved state carries over.
@Suite(.timeLimit(.minutes(1))) struct RuleEngineTests {
    let start = 1_800_000_000.0

    /// A model and an engine fed together, on a clock the test moves.
    struct Watcher {
        var model: TopicModel
        var engine: RuleEngine
        var now: Double
        var events: [WatchEvent] = []

        init(_ rules: [Rule], brokers: [String] = ["home"], now: Double) {
            model = TopicModel(brokers: brokers.count > 1 ? brokers : [])
            engine = RuleEngine(rules: rules, brokers: brokers)
            self.now = now
        }

        /// A message at the current time.
        mutating func send(_ topic: String, _ payload: String, retain: Bool = false, broker: Int = 0) {
            let node = model.ingest(MQTTMessage(topic: topic, payload: Array(payload.utf8), retain: retain,
                                                receivedAt: Date(timeIntervalSince1970: now)), broker: broker)
            events += engine.observe(node, in: model, now: now)
        }

        /// Moves the clock on, looking at deadlines as a watcher's timer would, once a second.
        mutating func wait(_ seconds: Double) {
            let end = now + seconds
            while now < end {
                now = min(end, now + 1)
                events += engine.tick(&model, now: now).events
            }
        }

        /// The events since the last call, as "kind topic value".
        mutating func said() -> [String] {
            defer { events = [] }
            return events.map { "\($0.kind) \($0.topic)" + ($0.value.map { " \($0)" } ?? "") }
        }
    }

    @Test func silentFiresOnceAfterItsSpanAndResolvesOnTheNextMessage() {
        var watch = Watcher([Rule(name: "quiet", filter: "home/+/temperature", condition: .silent(60))], now: start)
        watch.send("home/freezer/temperature", "-18")
        watch.send("home/hall/temperature", "21")
        watch.wait(59)
        #expect(watch.said().isEmpty)
        watch.send("home/hall/temperature", "21.5")
        watch.wait(5)
        #expect(watch.said() == ["fired home/freezer/temperature -18"])
        // Still silent: it never fires again.
        watch.wait(600)
        #expect(watch.said() == ["fired home/hall/temperature 21.5"])
        watch.send("home/freezer/temperature", "-19")
        #expect(watch.said() == ["resolved home/freezer/temperature -19"])
        #expect(watch.engine.firingCount == 1)
    }

    @Test func staleUsesTheTopicsLearnedCadence() {
        var watch = Watcher([Rule(name: "stale", filter: "#", condition: .stale)], now: start)
        // Every 10 s: stale after 70 s of silence (3 intervals, at least a minute more than one).
        for _ in 0..<5 {
            watch.send("plug/power", "5")
            watch.wait(10)
        }
        // A topic that spoke once has no cadence, and is never stale.
        watch.send("button/press", "1")
        watch.wait(55)
        #expect(watch.said().isEmpty)
        watch.wait(10)
        #expect(watch.said() == ["fired plug/power 5"])
        watch.wait(3600)
        #expect(watch.said().isEmpty)
        watch.send("plug/power", "6")
        #expect(watch.said() == ["resolved plug/power 6"])
    }

    @Test func forWaitsAndAShortBlipNeverFires() {
        var watch = Watcher([Rule(name: "door", filter: "home/door", condition: .equals("open"), holdFor: 300)], now: start)
        watch.send("home/door", "open")
        watch.wait(120)
        watch.send("home/door", "closed")
        watch.wait(600)
        #expect(watch.said().isEmpty)
        watch.send("home/door", "open")
        watch.wait(299)
        #expect(watch.said().isEmpty)
        watch.wait(2)
        #expect(watch.said() == ["fired home/door open"])
        watch.send("home/door", "closed")
        #expect(watch.said() == ["resolved home/door closed"])
    }

    @Test func aboveHasHysteresisThroughClearAt() {
        let rule = Rule(name: "freezer warm", filter: "freezer", field: "temperature", condition: .above(-15, clearAt: -17))
        var watch = Watcher([rule], now: start)
        watch.send("freezer", #"{"temperature":-18}"#)
        watch.send("freezer", #"{"temperature":-14.5}"#)
        #expect(watch.said() == ["fired freezer -14.5"])
        // Between the limit and clear_at: it still holds.
        watch.send("freezer", #"{"temperature":-16}"#)
        watch.send("freezer", #"{"temperature":-14}"#)
        #expect(watch.said().isEmpty)
        watch.send("freezer", #"{"temperature":-17}"#)
        #expect(watch.said() == ["resolved freezer -17"])
        // A payload without the field says nothing either way.
        watch.send("freezer", #"{"battery":80}"#)
        #expect(watch.said().isEmpty)
    }

    @Test func belowWithClearAtAndAPlainPayload() {
        var watch = Watcher([Rule(name: "cold", filter: "garden/temperature", condition: .below(0, clearAt: 2))], now: start)
        watch.send("garden/temperature", "1.5 °C")
        watch.send("garden/temperature", "-0.5 °C")
        watch.send("garden/temperature", "1")
        watch.send("garden/temperature", "2")
        #expect(watch.said() == ["fired garden/temperature -0.5 °C", "resolved garden/temperature 2"])
    }

    @Test func changedFiresOnEachChangeAndNeverStaysFiring() {
        var watch = Watcher([Rule(name: "alarm", filter: "alarm/state", condition: .changed)], now: start)
        watch.send("alarm/state", "disarmed")
        watch.send("alarm/state", "disarmed")
        watch.send("alarm/state", "armed")
        watch.send("alarm/state", "armed")
        watch.send("alarm/state", "triggered")
        #expect(watch.said() == ["fired alarm/state armed", "fired alarm/state triggered"])
        #expect(watch.engine.firingCount == 0)
    }

    @Test func offlineFollowsTheAvailabilityConventions() {
        var watch = Watcher([Rule(name: "offline", filter: "tele/+/LWT", condition: .offline)], now: start)
        watch.send("tele/garage_plug/LWT", "Online", retain: true)
        watch.send("tele/garage_plug/LWT", "Offline", retain: true)
        watch.send("tele/garage_plug/LWT", "Online", retain: true)
        #expect(watch.said() == ["fired tele/garage_plug/LWT Offline", "resolved tele/garage_plug/LWT Online"])
    }

    @Test func goneFiresWhenAReconnectDoesNotBringTheRetainedValueBack() {
        var watch = Watcher([Rule(name: "lost", filter: "config/#", condition: .gone)], now: start)
        watch.send("config/heater", "auto", retain: true)
        watch.send("config/lamp", "ON", retain: true)
        watch.model.connectionLost(at: watch.now)
        watch.wait(5)
        watch.model.connectionRestored(at: watch.now)
        watch.model.subscriptionsRestored(at: watch.now)
        watch.send("config/lamp", "ON", retain: true)
        watch.wait(10)
        #expect(watch.said() == ["fired config/heater auto"])
        watch.send("config/heater", "auto", retain: true)
        #expect(watch.said() == ["resolved config/heater auto"])
    }

    @Test func repeatRemindsWhileItHolds() {
        var watch = Watcher([Rule(name: "quiet", filter: "a", condition: .silent(60), repeatEvery: 3600)], now: start)
        watch.send("a", "1")
        watch.wait(61)
        watch.wait(3600 * 2)
        #expect(watch.said() == ["fired a 1", "reminded a 1", "reminded a 1"])
        watch.send("a", "2")
        watch.wait(30)
        #expect(watch.said() == ["resolved a 2"])
        // Silent again: a new firing, whose reminders start over.
        watch.wait(3661)
        #expect(watch.said() == ["fired a 2", "reminded a 2"])
    }

    @Test func aBrokerThatIsDownIsUnknownNeverFiringAndSilenceCountsConnectedTimeOnly() {
        var watch = Watcher([Rule(name: "quiet", filter: "+/temperature", condition: .silent(60))], brokers: ["home", "cabin"], now: start)
        watch.send("hall/temperature", "21", broker: 0)
        watch.send("stove/temperature", "19", broker: 1)
        watch.wait(30)
        watch.model.connectionLost(at: watch.now, broker: 1)
        watch.events += watch.engine.brokerDown(1, reason: "connection refused", now: watch.now)
        #expect(watch.said() == ["unknown +/temperature"])
        // An hour down: the cabin's topic is not silent (nobody listened); the home's is.
        watch.wait(3600)
        #expect(watch.said() == ["fired hall/temperature 21"])
        watch.model.connectionRestored(at: watch.now, broker: 1)
        watch.events += watch.engine.brokerUp(1, in: watch.model, now: watch.now)
        watch.wait(29)
        #expect(watch.said().isEmpty)
        watch.wait(2)
        #expect(watch.said() == ["fired stove/temperature 19"])
        #expect(watch.events.allSatisfy { $0.broker == "cabin" })
    }

    @Test func aProfilesRulesWatchOnlyItsBroker() {
        let rules = [Rule(name: "home only", filter: "#", condition: .equals("bad"), profile: "home"),
                     Rule(name: "everywhere", filter: "#", condition: .equals("bad"))]
        var watch = Watcher(rules, brokers: ["home", "cabin"], now: start)
        watch.send("x", "bad", broker: 1)
        watch.send("x", "bad", broker: 0)
        #expect(watch.events.map { "\($0.rule)@\($0.broker)" } == ["everywhere@cabin", "home only@home", "everywhere@home"])
    }

    @Test func aSilenceMutesActionsAndUntilResolvedEndsWithTheAlert() {
        var watch = Watcher([Rule(name: "door", filter: "door", condition: .equals("open"))], now: start)
        watch.engine.silence("door", .until(start + 3600))
        watch.send("door", "open")
        #expect(watch.events.map(\.silenced) == [true])
        #expect(!watch.events[0].runsActions)
        watch.wait(3601)
        watch.send("door", "closed")
        #expect(watch.events.last?.silenced == false)
        _ = watch.said()
        watch.engine.silence("door", .untilResolved)
        watch.send("door", "open")
        watch.send("door", "closed")
        #expect(watch.events.map(\.silenced) == [true, true])
        #expect(watch.engine.silences.isEmpty)
    }

    @Test func aSavedStateNeitherFiresAgainNorForgetsWhatResolved() {
        let rules = [Rule(name: "warm", filter: "+/temperature", condition: .above(25, clearAt: 25))]
        var first = Watcher(rules, now: start)
        first.send("attic/temperature", "30")
        first.send("cellar/temperature", "26")
        first.engine.silence("warm", .until(start + 7200))
        #expect(first.said() == ["fired attic/temperature 30", "fired cellar/temperature 26"])
        let saved = first.engine.state(now: start + 10)
        let data = try? JSONEncoder().encode(saved)
        let state = data.flatMap { try? JSONDecoder().decode(WatchState.self, from: $0) }
        #expect(state == saved)

        // A restart: the attic still holds (no new event), the cellar cooled meanwhile.
        var second = Watcher(rules, now: start + 600)
        second.engine.restore(state ?? WatchState(), now: second.now)
        #expect(second.engine.isSilenced("warm", now: second.now))
        second.send("attic/temperature", "31")
        second.send("cellar/temperature", "20")
        #expect(second.said() == ["resolved cellar/temperature 20"])
        #expect(second.engine.firingCount == 1)
        #expect(second.engine.state(now: second.now).firing.map(\.since) == [start])
    }

    @Test func equalsFiresOnTheTextAndResolvesOnAnother() {
        var watch = Watcher([Rule(name: "state", filter: "washer/state", field: "state", condition: .equals("error"))], now: start)
        watch.send("washer/state", #"{"state":"running"}"#)
        watch.send("washer/state", #"{"state":"error"}"#)
        watch.send("washer/state", #"{"state":"error"}"#)
        watch.send("washer/state", #"{"state":"idle"}"#)
        #expect(watch.said() == ["fired washer/state error", "resolved washer/state idle"])
    }

    @Test func forAddsToASilence() {
        var watch = Watcher([Rule(name: "quiet", filter: "a", condition: .silent(60), holdFor: 120)], now: start)
        watch.send("a", "1")
        watch.wait(179)
        #expect(watch.said().isEmpty)
        watch.wait(2)
        #expect(watch.said() == ["fired a 1"])
    }

    @Test func clearAtCountsOnlyOnceItFires() {
        // 9 is above 8 but it does not last its 5 minutes; then 7 is below the limit, whatever clear_at says.
        var watch = Watcher([Rule(name: "warm", filter: "t", condition: .above(8, clearAt: 6), holdFor: 300)], now: start)
        watch.send("t", "9")
        watch.wait(10)
        watch.send("t", "7")
        watch.wait(600)
        #expect(watch.said().isEmpty)
        watch.send("t", "9")
        watch.wait(301)
        watch.send("t", "7")
        watch.wait(600)
        watch.send("t", "6")
        #expect(watch.said() == ["fired t 9", "resolved t 6"])
    }

    @Test func aForUnderWayStartsAgainAfterTheBrokerWasDown() {
        var watch = Watcher([Rule(name: "door", filter: "door", condition: .equals("open"), holdFor: 300)], now: start)
        watch.send("door", "open")
        watch.wait(200)
        _ = watch.engine.brokerDown(0, reason: "gone", now: watch.now)
        watch.model.connectionLost(at: watch.now)
        watch.wait(600)
        watch.model.connectionRestored(at: watch.now)
        _ = watch.engine.brokerUp(0, in: watch.model, now: watch.now)
        watch.wait(299)
        #expect(watch.said().isEmpty)
        watch.wait(2)
        #expect(watch.said() == ["fired door open"])
    }

    @Test func aRestoredSilenceStaysFiringAndCountsBeforeItsTopicIsSeen() {
        let rules = [Rule(name: "quiet", filter: "+/temperature", condition: .silent(600))]
        var first = Watcher(rules, now: start)
        first.send("cellar/temperature", "12")
        first.wait(601)
        #expect(first.said() == ["fired cellar/temperature 12"])
        var second = Watcher(rules, now: start + 700)
        second.engine.restore(first.engine.state(now: first.now), now: second.now)
        #expect(second.engine.firingCount == 1 && second.engine.restoredAlerts.map(\.topic) == ["cellar/temperature"])
        // Still quiet when the store's past comes in: nothing new. Then it speaks.
        let node = second.model.ingest(MQTTMessage(topic: "cellar/temperature", payload: Array("12".utf8),
                                                   receivedAt: Date(timeIntervalSince1970: start)))
        second.events += second.engine.observe(node, in: second.model, now: second.now)
        #expect(second.said().isEmpty && second.engine.restoredAlerts.isEmpty && second.engine.firingCount == 1)
        second.send("cellar/temperature", "13")
        #expect(second.said() == ["resolved cellar/temperature 13"])
    }

    @Test func theDashboardFollowsWhatTheWatchSavedOfTopicsItHasNotSeen() {
        let rules = [Rule(name: "quiet", filter: "+/temperature", condition: .silent(600))]
        func saved(_ alerts: [(String, String)]) -> WatchState {
            var state = WatchState()
            state.firing = alerts.map { WatchState.FiringAlert(rule: "quiet", broker: "home", topic: $0.0, since: start, told: start, value: $0.1) }
            return state
        }
        var dashboard = Watcher(rules, now: start + 700)
        dashboard.send("hall/temperature", "21")
        dashboard.engine.restore(saved([("cellar/temperature", "5")]), now: dashboard.now)
        #expect(dashboard.engine.firingCount == 1)
        // The watch resolved the cellar and fired on the attic; what the dashboard sees itself stays its own.
        dashboard.engine.followSaved(saved([("attic/temperature", "30"), ("hall/temperature", "20")]), in: dashboard.model)
        #expect(dashboard.engine.restoredAlerts.map(\.topic) == ["attic/temperature"])
        #expect(dashboard.engine.firingCount == 1)
    }

    @Test func publishTemplatesFillTheEventsVariables() {
        let values = ["rule": "freezer", "topic": "kitchen/freezer", "value": "-3", "state": "fired"]
        #expect(PublishTemplate.fill("alert/${rule}", values) == "alert/freezer")
        #expect(PublishTemplate.fill("${topic} is ${value} (${state}) ${unknown} ${", values) == "kitchen/freezer is -3 (fired) ${unknown} ${")
    }
}
