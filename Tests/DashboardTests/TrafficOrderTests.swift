import Dashboard
import Foundation
import MQTT
import Testing
import TopicModel

/// The traffic order (`o`) on the canvas.
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
}
