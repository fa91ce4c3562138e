import Dashboard
import Foundation
import MQTT
import Testing
import TopicModel

/// The traffic order (`o`) and several brokers on the canvas.
@Suite(.timeLimit(.minutes(2))) struct TrafficOrderTests {
    let start = 1_700_000_000.0

    /// Quiet rooms that speak once every 10 s.
    func quietHome(until end: Double) -> TopicModel {
        var model = TopicModel()
        for room in ["attic", "bedroom", "cellar", "den"] {
            for time in stride(from: start, to: end, by: 10) { model.ingest(Fixture.message("home/\(room)/temperature", "20", at: time)) }
        }
        return model
    }

    @Test func aFloodingTopicRisesToTheTopWithinTwoSecondsAndItsBranchSumsIt() {
        let now = start + 60
        var model = quietHome(until: now)
        // zzz/flood starts flooding 2 s before `now`: 50 messages a second.
        for index in 0..<100 { model.ingest(Fixture.message("zzz/flood", "x", at: now - 2 + Double(index) / 50)) }
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = controller.handle(.character("o"))
        #expect(controller.state.order == .messageRate)
        let canvas = Fixture.draw(controller, model, now: now)
        let top = Fixture.treeRow(of: "zzz", in: canvas), home = Fixture.treeRow(of: "home", in: canvas)
        #expect(top != nil && home != nil && top! < home!, "\(canvas.text)")
        // The branch sums its topic: 100 messages in the last 10 s, 10 a second.
        #expect(canvas.lines[top!].contains("zzz (1)") && canvas.lines[top!].contains(" 10/s"), "\(canvas.text)")
        #expect(canvas.lines[0].contains("by msgs/s"), "\(canvas.lines[0])")
        // And back to names after the other orders.
        for _ in 0..<3 { _ = controller.handle(.character("o")) }
        #expect(controller.state.order == .name)
        let byName = Fixture.draw(controller, model, now: now)
        #expect(Fixture.treeRow(of: "home", in: byName)! < Fixture.treeRow(of: "zzz", in: byName)!)
        // The branch's overview gives its rates and its share of the minute's messages (100 of about 124).
        for key in [Key.character("/")] + "zzz".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        let branch = Fixture.draw(controller, model, now: now)
        let detail = controller.layout.detail
        let traffic = branch.line(detail.row + 2)
        #expect(traffic.contains("10 msg/s") && traffic.contains("82% of its broker"), "[\(traffic)]\n\(branch.text)")
    }

    @Test func theSelectionKeepsItsTopicWhileRowsResort() {
        var now = start + 60
        var model = quietHome(until: now)
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = controller.handle(.character("o"))
        _ = Fixture.draw(controller, model, now: now)
        for key in [Key.character("/")] + "cellar".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        let cellar = try! #require(model.find("home/cellar"))
        #expect(controller.state.selected == cellar)
        // The den floods: it rises above the cellar, and the selection stays on the cellar.
        for index in 0..<200 { model.ingest(Fixture.message("home/den/temperature", "21", at: now + Double(index) / 100)) }
        now += 2
        let canvas = Fixture.draw(controller, model, now: now)
        #expect(controller.state.selected == cellar)
        let den = Fixture.treeRow(of: "den", in: canvas), selected = Fixture.treeRow(of: "cellar", in: canvas)
        #expect(den != nil && selected != nil && den! < selected!, "\(canvas.text)")
        // Within the second, nothing moves even as traffic changes.
        for index in 0..<400 { model.ingest(Fixture.message("home/attic/temperature", "19", at: now + Double(index) / 1000)) }
        let still = Fixture.draw(controller, model, now: now + 0.5)
        #expect(Fixture.treeRow(of: "den", in: still) == den)
        let moved = Fixture.draw(controller, model, now: now + 1.5)
        #expect(Fixture.treeRow(of: "attic", in: moved)! < Fixture.treeRow(of: "den", in: moved)!, "\(moved.text)")
    }

    @Test func brokerRowsShowTheirLinkAndTheHeaderSumsThem() {
        var model = TopicModel(brokers: ["home", "cabin"])
        model.ingest(Fixture.message("hall/temperature", "21", retain: true, at: start), broker: 0)
        model.ingest(Fixture.message("stove/temperature", "19", retain: true, at: start), broker: 1)
        let down = ConnectionStatus(broker: "cabin", phase: .reconnecting(retryAt: start + 64, lastError: "connection refused"),
                                    downSince: start)
        let controller = DashboardController(connection: Fixture.connected, links: [Fixture.connected, down], width: 120, height: 40)
        model.follow(.connectionState(.reconnecting(delay: .seconds(4), attempt: 1, lastError: .unknownHost("cabin"))), at: start, broker: 1)
        let canvas = Fixture.draw(controller, model, now: start + 60)
        #expect(canvas.lines[0].contains("2 brokers · 1 connected · 1 reconnecting"), "\(canvas.lines[0])")
        let cabin = try! #require(Fixture.treeRow(of: "cabin (1)", in: canvas))
        #expect(canvas.lines[cabin].contains("↻ reconnecting in 4 s"), "\(canvas.lines[cabin])")
        // Its topic is unreachable, never stale; the overview names the broker first.
        #expect(canvas.lines.contains { $0.hasPrefix("◉↯") && $0.contains("temperature") }, "\(canvas.text)")
        #expect(canvas.text.contains("cabin ↻ reconnecting"), "\(canvas.text)")
        // y copies the topic without the broker; p sends to the selected topic's broker.
        for key in [Key.character("/")] + "stove/temp".map(Key.character) + [.enter] { _ = controller.handle(key, model: model) }
        #expect(controller.handle(.character("y"), model: model) == [.copy("stove/temperature")])
        _ = controller.handle(.character("p"), model: model)
        guard case let .publish(form) = controller.state.mode else { Issue.record("no publish dialog"); return }
        #expect(form.broker == 1 && form.topic.text == "stove/temperature")
    }
}
