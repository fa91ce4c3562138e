import Dashboard
import Foundation
import MQTT
import Testing
import TopicModel
import Watch

/// The rules on the canvas: the header counts what fires, the overview lists it above offline
/// and stale, and `a` shows each rule, with `s`, `S` and `u` asking for its silence.
@Suite(.timeLimit(.minutes(1))) struct RulesViewTests {
    let start = 1_700_000_000.0

    /// A home where the freezer is too warm and a plug went offline; the door rule holds still.
    func home() -> (TopicModel, RuleEngine) {
        let rules = [
            Rule(name: "freezer warm", filter: "kitchen/freezer", field: "temperature", condition: .above(-15, clearAt: -17), severity: .critical),
            Rule(name: "plug offline", filter: "tele/+/LWT", condition: .offline),
            Rule(name: "door open", filter: "hall/door", condition: .equals("open")),
        ]
        var model = TopicModel()
        var engine = RuleEngine(rules: rules, brokers: ["home"])
        for (topic, payload, time) in [("hall/door", "closed", start), ("tele/garage_plug/LWT", "Offline", start + 10),
                                       ("kitchen/freezer", #"{"temperature":-12}"#, start + 20), ("hall/temperature", "21", start)] {
            let node = model.ingest(Fixture.message(topic, payload, retain: true, at: time))
            _ = engine.observe(node, in: model, now: time)
        }
        return (model, engine)
    }

    @Test func theHeaderCountsFiringRulesAndTheOverviewListsThemFirst() {
        let (model, engine) = home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let canvas = Fixture.draw(controller, model, rules: engine, now: start + 320)
        #expect(canvas.lines[0].contains("⚠ 2 alerts"), "\(canvas.lines[0])")
        let detail = controller.layout.detail
        // Critical first; each with its value and how long it has fired, above the offline device.
        #expect(canvas.line(detail.row + 2).contains("⚠ freezer warm: kitchen/freezer -12") && canvas.line(detail.row + 2).hasSuffix("5 min"),
                "\(canvas.text)")
        #expect(canvas.line(detail.row + 3).contains("⚠ plug offline: tele/garage_plug/LWT Offline"), "\(canvas.text)")
        #expect(canvas.line(detail.row + 4).contains("✕ tele/garage_plug"), "\(canvas.text)")
        #expect(canvas.lines.last?.contains("a rules") == true)
        // A branch's overview lists only its own.
        for key in [Key.character("/")] + "kitchen".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        let kitchen = Fixture.draw(controller, model, rules: engine, now: start + 320)
        #expect(kitchen.text.contains("⚠ freezer warm") && !kitchen.text.contains("⚠ plug offline"), "\(kitchen.text)")
        // Without rules: no count, no key.
        let plain = Fixture.draw(DashboardController(connection: Fixture.connected, width: 120, height: 40), model, now: start + 320)
        #expect(!plain.lines[0].contains("alert") && plain.lines.last?.contains("a rules") == false)
    }

    @Test func aListsEachRuleWithItsStateAndSilencesAreAskedFor() {
        var (model, engine) = home()
        engine.silence("plug offline", .until(start + 3600))
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        controller.ruleNames = engine.rules.map(\.name)
        _ = controller.handle(.character("a"))
        let actions = ["door open": WatchState.ActionResult(time: start - 60, result: "notify-send exited 1: no display")]
        let canvas = Fixture.draw(controller, model, rules: engine, actions: actions, now: start + 320)
        #expect(canvas.text.contains("rules: 2 of 3 firing"), "\(canvas.text)")
        let lines = canvas.lines
        #expect(lines.contains { $0.contains("● freezer warm") && $0.contains("critical") && $0.contains("firing since 5 min  kitchen/freezer -12") },
                "\(canvas.text)")
        #expect(lines.contains { $0.contains("● plug offline") && $0.contains("silenced 54 min more") }, "\(canvas.text)")
        #expect(lines.contains { $0.contains("○ door open") && $0.contains("ok · equals on hall/door · last closed")
                    && $0.contains("action notify-send exited 1: no display") }, "\(canvas.text)")
        // s, S and u ask for the highlighted rule's silence; j moves; Esc closes.
        #expect(controller.handle(.character("s")) == [.silence(rule: "freezer warm", .hour)])
        _ = controller.handle(.character("j"))
        #expect(controller.handle(.character("S")) == [.silence(rule: "plug offline", .untilResolved)])
        _ = controller.handle(.character("j"))
        _ = controller.handle(.character("j"))
        #expect(controller.handle(.character("u")) == [.silence(rule: "door open", .lift)])
        _ = controller.handle(.escape)
        #expect(Fixture.draw(controller, model, rules: engine, now: start + 320).text.contains("rules:") == false)
        // A broker that is down: its rules are unknown.
        _ = engine.brokerDown(0, reason: "connection refused", now: start + 330)
        model.connectionLost(at: start + 330)
        _ = controller.handle(.character("a"))
        let down = Fixture.draw(controller, model, rules: engine, now: start + 340)
        #expect(down.lines.contains { $0.contains("? door open") && $0.contains("unknown: a broker it watches is down") }, "\(down.text)")
    }

    @Test func withoutRulesASaysHowToHaveThem() {
        let (model, _) = home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = controller.handle(.character("a"))
        let canvas = Fixture.draw(controller, model, now: start + 320)
        #expect(canvas.lines.last?.contains("no rules: add [[rules]] to config.toml") == true, "\(canvas.lines.last ?? "")")
    }
}
