import Dashboard
import MQTT
import Testing
import TopicModel
import TextFormat

/// Time on screen: ages that move, the age column, stale and offline markers, gone values, `!`,
/// and a tree that never collapses by itself.
@Suite(.timeLimit(.minutes(3))) struct LivenessViewTests {
    let start = 1_700_000_000.0

    /// A sensor every 10 s (quiet since `start + 40`), a plug that went offline, a lost retained value.
    func home() -> TopicModel {
        var model = TopicModel()
        for index in 0..<5 { model.ingest(Fixture.message("home/hall/temperature", "21", at: start + Double(index) * 10)) }
        model.ingest(Fixture.message("home/hall/light", "ON", retain: true, at: start))
        model.ingest(Fixture.message("tele/plug/SENSOR", #"{"Power":12}"#, at: start))
        model.ingest(Fixture.message("tele/plug/LWT", "Offline", retain: true, at: start + 1))
        model.ingest(Fixture.message("home/lock", "locked", retain: true, at: start))
        model.subscriptionsRestored(at: start + 2)
        model.ingest(Fixture.message("home/hall/light", "ON", retain: true, at: start + 2.1))
        model.ingest(Fixture.message("tele/plug/LWT", "Offline", retain: true, at: start + 2.1))
        return model
    }

    @Test func staleOfflineAndGoneHaveTheirOwnGlyphsRolesAndCounts() throws {
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let canvas = Fixture.draw(controller, home(), now: start + 200)
        #expect(canvas.lines[0].contains("1 ◷ stale"), "\(canvas.lines[0])")
        #expect(canvas.lines[0].contains("1 ✕ offline"), "\(canvas.lines[0])")
        let temperature = try #require(Fixture.treeRow(of: "temperature", in: canvas))
        #expect(canvas.cells[temperature][1].text == "◷")
        #expect(canvas.role(row: temperature, column: 1) == .stale)
        let hall = try #require(Fixture.treeRow(of: "hall", in: canvas))
        #expect(canvas.line(hall).contains("1◷"), "branches count what is stale below: \(canvas.line(hall))")
        let plug = try #require(Fixture.treeRow(of: "plug", in: canvas))
        #expect(canvas.cells[plug][1].text == "✕")
        #expect(canvas.role(row: plug, column: 1) == .offline)
        #expect(canvas.line(plug).contains("✕ offline"))
        // Inside the offline device everything is dim.
        let sensor = try #require(Fixture.treeRow(of: "SENSOR", in: canvas))
        #expect(canvas.role(of: "SENSOR", row: sensor) == .dim)
        let lock = try #require(Fixture.row(of: "lock", in: canvas))
        #expect(canvas.cells[lock][0].text == "◌")
        #expect(canvas.role(row: lock, column: 0) == .retainedGone)
        #expect(canvas.line(lock).contains("locked"), "gone keeps the last value: \(canvas.line(lock))")
        #expect(canvas.lines[0].contains("2 ◉ retained"), "the light and the will came back; the lock did not")
    }

    @Test func aTopicSentSeveralTimesASecondSaysHowOftenInMilliseconds() throws {
        var model = TopicModel()
        for index in 0..<20 { model.ingest(Fixture.message("meter/power", "\(index)", at: start + Double(index) * 0.25)) }
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.type("/power", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let canvas = Fixture.draw(controller, model, now: start + 5)
        #expect(canvas.text.contains("usually every 250 ms; stale after 1 min of silence"), "\(canvas.text)")
        #expect(ValueFormat.interval(2.5) == "2.5 s" && ValueFormat.interval(10) == "10 s" && ValueFormat.interval(0.0001) == "1 ms")
    }

    @Test func theDetailPaneSaysItInWordsAndItsAgeMoves() throws {
        let model = home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.type("/temperature", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let fresh = Fixture.draw(controller, model, now: start + 45)
        #expect(fresh.text.contains("(5 s ago)"), "\(fresh.text)")
        #expect(fresh.text.contains("usually every 10 s; stale after 1 min of silence"), "\(fresh.text)")
        #expect(controller.wantsTick, "an age is on screen: the program redraws once a second")
        let later = Fixture.draw(controller, model, now: start + 46)
        #expect(later.text.contains("(6 s ago)"))
        let quiet = Fixture.draw(controller, model, now: start + 200)
        #expect(quiet.text.contains("(2 min ago)"), "\(quiet.text)")
        #expect(quiet.text.contains("◷ stale: silent for 2 min while connected"), "\(quiet.text)")
        #expect(quiet.text.contains("usually every 10 s; stale after 1 min of silence"), "\(quiet.text)")

        _ = Fixture.type("/lock", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let lock = Fixture.draw(controller, model, now: start + 200)
        #expect(lock.text.contains("◌ gone: the broker no longer retains it"), "\(lock.text)")
        _ = Fixture.type("/LWT", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let will = Fixture.draw(controller, model, now: start + 200)
        #expect(will.text.contains("│ tele/plug/LWT"), "the search lands on the will: \(will.text)")
        #expect(will.text.contains("✕ availability: says its device is offline"), "\(will.text)")
        _ = controller.handle(.character("h"), model: model)  // up to the device
        let plug = Fixture.draw(controller, model, now: start + 200)
        #expect(plug.text.contains("✕ device offline, as tele/plug/LWT says"), "\(plug.text)")
    }

    @Test func theAgeColumnTogglesWithT() throws {
        let model = home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let without = Fixture.draw(controller, model, now: start + 160)
        let row = try #require(Fixture.treeRow(of: "temperature", in: without))
        #expect(!without.line(row).contains("1m"))
        _ = controller.handle(.character("t"), model: model)
        let with = Fixture.draw(controller, model, now: start + 160)
        #expect(with.line(row).contains(" 2m "), "\(with.line(row))")
        #expect(with.role(of: "2m", row: row) == .stale)
        let light = try #require(Fixture.treeRow(of: "light", in: with))
        #expect(with.line(light).contains(" 2m "), "\(with.line(light))")
        // Branches show the freshest below them, in the same column.
        let hall = try #require(Fixture.treeRow(of: "hall", in: with))
        #expect(with.line(hall).firstRange(of: "2m")?.lowerBound.utf16Offset(in: with.line(hall))
                == with.line(row).firstRange(of: "2m")?.lowerBound.utf16Offset(in: with.line(row)))
        let days = Fixture.draw(controller, model, now: start + 40 + 5 * 86400)
        #expect(days.line(row).contains(" 5d "))
        _ = controller.handle(.character("t"), model: model)
        #expect(!Fixture.draw(controller, model, now: start + 160).line(row).contains(" 2m "))
    }

    @Test func bangJumpsToTheNextStaleTopicOrOfflineDevice() throws {
        let model = home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        var refreshed = model
        refreshed.refresh(now: start + 200)
        _ = controller.handle(.character("!"), model: refreshed)
        #expect(controller.state.selected.map(refreshed.path(of:)) == "home/hall/temperature")
        _ = controller.handle(.character("!"), model: refreshed)
        #expect(controller.state.selected.map(refreshed.path(of:)) == "tele/plug")
        _ = controller.handle(.character("!"), model: refreshed)
        #expect(controller.state.selected.map(refreshed.path(of:)) == "home/hall/temperature")
    }

    @Test func nothingTheUserHasSeenCollapsesAsTopicsArrive() throws {
        var model = TopicModel()
        model.ingest([Fixture.message("garage/temperature", "12"), Fixture.message("zigbee2mqtt/bridge/state", "online")])
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 24)
        let first = Fixture.draw(controller, model)
        #expect(Fixture.row(of: "temperature", in: first) != nil)
        #expect(Fixture.row(of: "state", in: first) != nil)
        let selected = controller.state.selected
        // Live topics arrive: many more than fit in the pane.
        for device in 0..<40 {
            model.ingest(Fixture.message("zigbee2mqtt/device\(device)", #"{"temperature":20}"#))
            model.ingest(Fixture.message("zigbee2mqtt/device\(device)/availability", "online"))
        }
        let later = Fixture.draw(controller, model)
        #expect(Fixture.row(of: "temperature", in: later) != nil, "\(later.text)")
        #expect(Fixture.row(of: "state", in: later) != nil, "\(later.text)")
        #expect(controller.state.expanded.isSuperset(of: [model.id("garage"), model.id("zigbee2mqtt"), model.id("zigbee2mqtt/bridge")]))
        #expect(controller.state.selected == selected)
        #expect(controller.state.scroll == 0)
    }

    @Test func aQuietScreenDoesNotTick() {
        var model = TopicModel()
        // Text, not a number: the overview has no reading, so no age, to show.
        model.ingest(Fixture.message("a/b", "hello"))
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.draw(controller, model)
        _ = Fixture.draw(controller, model, now: 1_700_002_060)
        // Nothing selected shows an age, no countdown, no age column, the rate at zero.
        #expect(controller.state.selected == nil || model.topic(at: controller.state.selected!) == nil)
        #expect(!controller.wantsTick)
    }
}

extension TopicModel {
    func id(_ path: String) -> NodeID {
        guard let id = find(path) else { fatalError("no node \(path)") }
        return id
    }
}
