import Dashboard
import Foundation
import MQTT
import Testing
import TopicModel

/// Several brokers on the canvas: broker rows, the header, and actions that know their broker.
@Suite(.timeLimit(.minutes(2))) struct SeveralBrokersViewTests {
    let start = 1_700_000_000.0

    /// A home and a cabin, each with a retained temperature; the cabin is down.
    func twoHomes() -> (TopicModel, DashboardController) {
        var model = TopicModel(brokers: ["home", "cabin"])
        model.ingest(Fixture.message("hall/temperature", "21", retain: true, at: start), broker: 0)
        model.ingest(Fixture.message("stove/temperature", "19", retain: true, at: start), broker: 1)
        model.ingest(Fixture.message("home/living_room/heater", "OFF", at: start), broker: 0)
        model.follow(.connectionState(.reconnecting(delay: .seconds(4), attempt: 1, lastError: .unknownHost("cabin"))), at: start, broker: 1)
        let down = ConnectionStatus(broker: "cabin", phase: .reconnecting(retryAt: start + 64, lastError: "connection refused"),
                                    downSince: start)
        return (model, DashboardController(connection: Fixture.connected, links: [Fixture.connected, down], width: 120, height: 40))
    }

    @Test func brokerRowsShowTheirLinkAndTheHeaderSumsThem() throws {
        let (model, controller) = twoHomes()
        let canvas = Fixture.draw(controller, model, now: start + 60)
        #expect(canvas.lines[0].contains("2 brokers · 1 connected · 1 reconnecting") && canvas.lines[0].contains("3 topics · 2 ◉ retained"),
                "\(canvas.lines[0])")
        let cabin = try #require(Fixture.treeRow(of: "cabin (1)", in: canvas))
        let home = try #require(Fixture.treeRow(of: "home (2)", in: canvas))
        #expect(canvas.lines[cabin].contains("↻ reconnecting in 4 s (down 1…"), "\(canvas.lines[cabin])")
        #expect(canvas.lines[home].contains("● connected"), "\(canvas.lines[home])")
        // Its topic is unreachable, never stale.
        #expect(canvas.lines.contains { $0.hasPrefix("◉↯") && $0.contains("temperature") }, "\(canvas.text)")
        // The overview: the broker that is down comes first, and counts as a problem.
        let detail = controller.layout.detail
        #expect(canvas.line(detail.row + 1).contains("1 problem"), "\(canvas.text)")
        #expect(canvas.line(detail.row + 2).contains("✖ cabin reconnecting in 4 s"), "\(canvas.text)")
        // Names led by their broker get a wider column: a device's whole path fits at 120x40.
        #expect(canvas.text.contains("home/home/living_room/heater"), "\(canvas.text)")
    }

    @Test func actionsKnowTheirBroker() throws {
        let (model, controller) = twoHomes()
        _ = Fixture.draw(controller, model, now: start + 60)
        for key in [Key.character("/")] + "stove/temp".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        // y copies the topic without the broker.
        #expect(controller.handle(.character("y"), model: model) == [.copy("stove/temperature")])
        // p sends to the selected topic's broker; Ctrl-B moves to the next.
        _ = controller.handle(.character("p"), model: model)
        guard case var .publish(form) = controller.state.mode else { Issue.record("no publish dialog"); return }
        #expect(form.broker == 1 && form.topic.text == "stove/temperature")
        let dialog = Fixture.draw(controller, model, now: start + 60)
        #expect(dialog.text.contains("Broker   cabin  not connected  (Ctrl-B next broker)"), "\(dialog.text)")
        _ = form.handle(.control("b"))
        #expect(form.broker == 0)
        _ = form.handle(.control("b"))
        _ = form.handle(.character("5"))
        #expect(form.handle(.control("s")) == .send(PublishRequest(topic: "stove/temperature", payload: Array("5".utf8), qos: .atMostOnce,
                                                                    retain: false, broker: 1)))
        // d clears on the cabin: the topic within it.
        _ = controller.handle(.escape, model: model)
        for key in [Key.character("/")] + "stove/temp".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        _ = controller.handle(.character("d"), model: model)
        #expect(controller.handle(.character("y"), model: model) == [.clearRetained(["stove/temperature"], broker: 1)])
        // D on the whole screen is no one place; on a broker's row it clears that broker's.
        _ = controller.handle(.escape, model: model)
        _ = controller.handle(.character("D"), model: model)
        #expect(controller.state.status?.text == "select a broker or a branch to clear its retained values")
        for key in [Key.character("/")] + "home".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        #expect(controller.state.selected == model.root(ofBroker: 0))
        // A broker's own row is no topic to copy.
        #expect(controller.handle(.character("y"), model: model).isEmpty)
        _ = controller.handle(.character("D"), model: model)
        #expect(controller.handle(.character("y"), model: model) == [.clearRetained(["hall/temperature"], broker: 0)])
    }

    @Test func aFilterIsAnMQTTFilterWithinEachBroker() {
        let (model, controller) = twoHomes()
        _ = Fixture.draw(controller, model, now: start + 60)
        _ = controller.handle(.character("f"))
        for key in "+/temperature".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        #expect(controller.state.status?.text == "2 topics match +/temperature", "\(String(describing: controller.state.status))")
        let canvas = Fixture.draw(controller, model, now: start + 60)
        #expect(Fixture.treeRow(of: "hall", in: canvas) != nil && Fixture.treeRow(of: "stove", in: canvas) != nil, "\(canvas.text)")
        // A filter applies within each broker: `home/#` is the home broker's own `home/…`, not
        // everything of the broker named home.
        _ = controller.handle(.character("f"))
        for key in [Key.control("u")] + "home/#".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        #expect(controller.state.status?.text == "1 topic matches home/#", "\(String(describing: controller.state.status))")
        _ = controller.handle(.character("f"))
        for key in [Key.control("u")] + "cabin/#".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        #expect(controller.state.status?.text == "0 topics match cabin/#", "\(String(describing: controller.state.status))")
    }
}
