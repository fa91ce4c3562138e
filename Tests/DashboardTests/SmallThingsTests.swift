import Dashboard
import MQTT
import Testing
import TopicModel

/// Small things from a new user's trial: search order, names with ages on, `!` on a device, a
/// filter's counts, and first screens that fit.
@Suite(.timeLimit(.minutes(1))) struct SmallThingsTests {
    @Test func searchGoesFirstToTheLevelThatStartsWithTheText() throws {
        var model = TopicModel()
        model.ingest([Fixture.message("esphome/bathroom/status", "online"), Fixture.message("home/door", "closed")])
        var search = model.search("home")
        // Two branches where the text starts, and the topics below them.
        #expect(search.count == 4)
        #expect(search.next().map(model.path(of:)) == "home", "not esphome")
        #expect(search.next().map(model.path(of:)) == "home/door")
        #expect(search.next().map(model.path(of:)) == "esphome", "then on in tree order, wrapping")
        // The dashboard's / does the same.
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.type("/home", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        #expect(controller.state.selected.map(model.path(of:)) == "home")
    }

    @Test func withAgesOnNamesAreNotCutWhileTheValueLeavesRoom() throws {
        var model = TopicModel()
        model.ingest(Fixture.message("zigbee2mqtt/a_rather_long_device_name_here", "ON"))
        let controller = DashboardController(connection: Fixture.connected, width: 100, height: 30)
        _ = controller.handle(.character("t"))
        let canvas = Fixture.draw(controller, model)
        let row = try #require(Fixture.treeRow(of: "a_rather_long", in: canvas, paneWidth: controller.layout.tree.width))
        let line = String(canvas.line(row).prefix(controller.layout.tree.width))
        #expect(line.contains("a_rather_long_device_name_here") && line.contains("ON"), "\(line)")
    }

    @Test func bangOnAnOfflineDeviceNamesIt() throws {
        let start = 1_700_000_000.0
        var model = TopicModel()
        model.ingest(Fixture.message("tele/garage_plug/SENSOR", #"{"Power":12}"#, at: start))
        model.ingest(Fixture.message("tele/garage_plug/LWT", "Offline", retain: true, at: start + 1))
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        var refreshed = model
        refreshed.refresh(now: start + 10)
        _ = controller.handle(.character("!"), model: refreshed)
        #expect(controller.state.selected.map(refreshed.path(of:)) == "tele/garage_plug")
        let canvas = Fixture.draw(controller, refreshed, now: start + 10)
        let detail = controller.layout.detail
        let offline = (detail.row..<detail.row + detail.height).map { String(canvas.line($0).dropFirst(detail.column)) }
            .first { $0.contains("✕ ") && $0.contains("offline") && !$0.contains("device offline") }
        #expect(offline?.contains("✕ garage_plug") == true, "\(offline ?? canvas.text)")
    }

    @Test func aFiltersCountsAgreeBetweenTheFooterTheTreeAndTheOverview() throws {
        var model = TopicModel()
        model.ingest([
            Fixture.message("zigbee2mqtt/bridge/state", #"{"state":"online"}"#),
            Fixture.message("zigbee2mqtt/hall", #"{"temperature":21}"#),
            Fixture.message("zigbee2mqtt/lamp", #"{"state":"ON"}"#),
        ])
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.type("fzigbee2mqtt/+", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let canvas = Fixture.draw(controller, model)
        #expect(canvas.text.contains("2 topics match zigbee2mqtt/+"), "\(canvas.text)")
        #expect(canvas.text.contains("zigbee2mqtt (2)"))
        #expect(canvas.text.contains("2 of 3 topics match · 1 temperature · 1 state · 0 readings"), "\(canvas.text)")
        // A filter that starts with a wildcard: the whole broker's overview, of the matches only.
        model.ingest([Fixture.message("esphome/kitchen/sensor/temperature/state", "22.3"),
                      Fixture.message("esphome/kitchen/status", "online")])
        _ = Fixture.type("F", into: controller, model: model)
        _ = Fixture.type("f+/+/status/#", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let wild = Fixture.draw(controller, model)
        let detail = controller.layout.detail
        let overview = (detail.row..<detail.row + detail.height).map { String(wild.line($0).dropFirst(detail.column)) }
        #expect(wild.text.contains("1 topic matches +/+/status/#"), "\(wild.text)")
        #expect(overview.contains { $0.contains("1 of 5 topics match · 0 temperatures") }, "\(overview)")
        #expect(!overview.contains { $0.contains("22.3") || $0.contains("hall") }, "only matching topics: \(overview)")
    }

    @Test(arguments: [(80, 24), (100, 30), (120, 40)])
    func theFooterShowsWholeHints(width: Int, height: Int) throws {
        let controller = DashboardController(connection: Fixture.connected, width: width, height: height)
        let canvas = Fixture.draw(controller, Fixture.home())
        let footer = canvas.line(height - 1).trimmingCharacters(in: .whitespaces)
        #expect(footer.hasPrefix("? help q quit") && !footer.contains("…"), "\(footer)")
        let last = try #require(footer.split(separator: " ").last)
        #expect(["detail", "clear", "series", "publish", "order"].contains(String(last)), "ends on a whole hint: \(footer)")
    }
}
