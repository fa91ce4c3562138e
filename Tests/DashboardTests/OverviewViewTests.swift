@testable import Dashboard
import Foundation
import MQTT
import Testing
import TopicModel

/// The overview in the detail pane, on the in-memory canvas: the first screen, widths, problems
/// first, moving in it and following a row into the tree.
@Suite(.timeLimit(.minutes(1)))
struct OverviewViewTests {
    static let start = 1_700_000_000.0

    /// Six rooms in three conventions, a minute of readings each, a stale hall and a plug offline.
    static func home() -> TopicModel {
        var model = TopicModel()
        for step in 0..<40 {
            let time = start + Double(step) * 10
            let wave = sin(Double(step) / 3)
            model.ingest([
                Fixture.message("zigbee2mqtt/bedroom_sensor", #"{"temperature": \#(19 + wave), "humidity": 50}"#, at: time),
                Fixture.message("zigbee2mqtt/kitchen_sensor", #"{"temperature": \#(22 + wave), "battery": 90}"#, at: time),
                Fixture.message("esphome/bathroom/sensor/temperature/state", "\(23 + wave)", at: time),
                Fixture.message("esphome/kids_room/sensor/temperature/state", "\(21 + wave)", at: time),
                Fixture.message("tele/tasmota_office/SENSOR", #"{"AM2301": {"Temperature": \#(20 + wave), "Humidity": 45}}"#, at: time),
                Fixture.message("home/living_room/temperature", "\(20.5 + wave) °C", at: time),
                Fixture.message("home/living_room/light", step % 2 == 0 ? "ON" : "OFF", at: time),
            ])
        }
        return model
    }

    static let rooms = ["bedroom_sensor", "kitchen_sensor", "bathroom", "kids_room", "tasmota_office", "living_room"]

    @Test func namesTooLongAreCutInTheMiddleSoDevicesThatShareAnEndStayApart() {
        let names = ["bedroom_light", "living_room_light", "kids_room_light"].map {
            OverviewView.name($0, field: "brightness", cells: 21)
        }
        #expect(names == ["bedro…ight brightness", "livin…ight brightness", "kids_…ight brightness"], "\(names)")
        #expect(Set(names).count == 3)
        // A field too long to leave the path four cells: the whole name is cut in its middle.
        #expect(OverviewView.name("hall", field: "a_very_long_field_name", cells: 12) == "hall a…_name")
        #expect(OverviewView.name("hall", field: "humidity", cells: 20) == "hall humidity       ")
        // A field of the branch itself reads as the field alone, not ". field".
        #expect(OverviewView.name("", field: "ENERGY.Total", cells: 14) == "ENERGY.Total  ")
    }

    @Test func aValueThatFillsItsColumnStaysApartFromTheNameAndAWideRangeDropsItsDecimals() throws {
        var model = TopicModel()
        for step in 0..<10 {
            model.ingest(Fixture.message("a_very_long_attic_sensor_name/temperature", "\(99.2 + Double(step) * 0.21) °F", at: Self.start + Double(step) * 10))
        }
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let canvas = Fixture.draw(controller, model, now: Self.start + 100)
        let detail = controller.layout.detail
        let row = try #require((detail.row..<detail.row + detail.height).map { Self.detailText(canvas, $0, detail) }.first { $0.contains("°F") })
        #expect(row.contains("_name 101.1 °F"), "\(row)")
        #expect(row.contains(" 99–101 "), "\(row)")
        #expect(OverviewView.range(min: 18.62, max: 21.44) == "18.6–21.4" && OverviewView.range(min: 90, max: 90) == "90")
    }

    @Test func withAFilterTheOverviewShowsTheBranchTheFilterStartsIn() {
        let model = Self.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        func filter(_ text: String) -> [String] {
            _ = controller.handle(.character("f"), model: model)
            _ = Fixture.type(text, into: controller, model: model)
            _ = controller.handle(.enter, model: model)
            let canvas = Fixture.draw(controller, model, now: Self.start + 400)
            let detail = controller.layout.detail
            return (detail.row..<detail.row + detail.height).map { Self.detailText(canvas, $0, detail) }
        }
        let zigbee = filter("zigbee2mqtt/#")
        #expect(zigbee[0].contains("zigbee2mqtt  (the tree is filtered: zigbee2mqtt/#)"), "\(zigbee[0])")
        #expect(zigbee.contains { $0.contains("bedroom_sensor") } && !zigbee.contains { $0.contains("bathroom") }, "\(zigbee)")
        _ = controller.handle(.character("F"), model: model)
        // No literal start: the whole broker, still saying the tree is filtered.
        let anyRoom = filter("+/+/temperature")
        #expect(anyRoom[0].contains("all topics  (the tree is filtered: +/+/temperature)"), "\(anyRoom[0])")
        _ = controller.handle(.character("F"), model: model)
        #expect(Self.detailText(Fixture.draw(controller, model, now: Self.start + 400), controller.layout.detail.row, controller.layout.detail)
            .trimmingCharacters(in: .whitespaces) == "all topics")
    }

    @Test func aProblemRowHasTheWidthItsWordsLeave() throws {
        var model = TopicModel()
        model.ingest(Fixture.message("zigbee2mqtt/hall_sensor/availability", "offline", retain: true, at: Self.start))
        model.ingest(Fixture.message("zigbee2mqtt/hall_sensor", #"{"temperature":20}"#, at: Self.start))
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let canvas = Fixture.draw(controller, model, now: Self.start + 10)
        #expect(canvas.text.contains("✕ zigbee2mqtt/hall_sensor "), "\(canvas.text)")
    }

    @Test(arguments: [(80, 24), (120, 40), (200, 50)])
    func theFirstScreenShowsEveryRoomsTemperatureWithASparkline(width: Int, height: Int) throws {
        let controller = DashboardController(connection: Fixture.connected, width: width, height: height)
        let canvas = Fixture.draw(controller, Self.home(), now: Self.start + 400)
        let detail = controller.layout.detail
        #expect(canvas.line(detail.row).contains("all topics"), "\(canvas.text)")
        for room in Self.rooms {
            let row = try #require((detail.row..<detail.row + detail.height).first { Self.detailText(canvas, $0, detail).contains(room) },
                                   "\(room) not in the overview:\n\(canvas.text)")
            let text = Self.detailText(canvas, row, detail)
            let blocks = text.filter { Sparkline.blocks.contains($0) }
            // 40 points (their ring not yet full) two a column from the left: 20 cells of 24.
            #expect(blocks.count >= (width >= 120 ? 20 : 8), "\(text)")
            // The range (its scale) is in the sparkline's colours.
            let range = try #require(text.firstMatch(of: /\d+(\.\d)?–\d+(\.\d)?/).map { String($0.output.0) }, "\(text)")
            #expect(canvas.role(of: range, row: row) == .sparkline, "\(text)")
            #expect(text.contains("<1m"), "\(text)")
        }
        // Temperatures first: every room before the first other reading (when one fits).
        let lastRoom = Self.rooms.compactMap { room in
            (detail.row..<detail.row + detail.height).first { Self.detailText(canvas, $0, detail).contains(room) }
        }.max() ?? 0
        if let other = (detail.row..<detail.row + detail.height).first(where: {
            let text = Self.detailText(canvas, $0, detail)
            return text.contains("humidity") || text.contains("battery") || text.contains("Humidity")
        }) {
            #expect(lastRoom < other)
        } else {
            #expect(height < 40, "at 120x40 and larger the other readings fit below the temperatures")
        }
        // A light's ON/OFF is a state, not a reading: it comes after the temperatures, as a word.
        if let light = (detail.row..<detail.row + detail.height).first(where: { Self.detailText(canvas, $0, detail).contains("light") }) {
            #expect(lastRoom < light)
            #expect(!Self.detailText(canvas, light, detail).contains(where: { Sparkline.blocks.contains($0) }))
        }
    }

    @Test func theSparklineIsAtLeast24CellsAt120x40AndWiderOnWiderScreens() {
        let narrow = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let wide = DashboardController(connection: Fixture.connected, width: 200, height: 50)
        let model = Self.home()
        #expect(narrow.makeFrame(model: model, now: Self.start + 400).overview?.sparklineWidth == 24)
        #expect((wide.makeFrame(model: model, now: Self.start + 400).overview?.sparklineWidth ?? 0) > 40)
    }

    @Test func problemsComeFirstAndTheHeaderSaysWhatIsBelow() throws {
        var model = Self.home()
        model.ingest(Fixture.message("tele/plug/LWT", "Offline", retain: true, at: Self.start + 390))
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        // Every sensor has been silent for half an hour: all are stale, and listed first.
        let canvas = Fixture.draw(controller, model, now: Self.start + 2000)
        let detail = controller.layout.detail
        #expect(Self.detailText(canvas, detail.row + 1, detail).contains("6 temperatures"), "\(Self.detailText(canvas, detail.row + 1, detail))")
        let first = Self.detailText(canvas, detail.row + 2, detail)
        #expect(first.contains("✕") || first.contains("◷"), "\(canvas.text)")
        #expect(canvas.text.contains("✕ tele/plug") || canvas.text.contains("✕ plug"), "\(canvas.text)")
    }

    @Test func jkMoveInTheOverviewAndEnterFollowsARowIntoTheTree() throws {
        let model = Self.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.draw(controller, model, now: Self.start + 400)
        _ = controller.handle(.tab, model: model)
        _ = controller.handle(.character("j"), model: model)
        _ = controller.handle(.character("j"), model: model)
        let canvas = Fixture.draw(controller, model, now: Self.start + 400)
        let detail = controller.layout.detail
        // The third row is highlighted.
        let highlighted = (detail.row..<detail.row + detail.height).filter { row in
            (detail.column..<detail.column + detail.width).contains { canvas.role(row: row, column: $0) == .selected }
        }
        #expect(highlighted == [detail.row + 4], "\(highlighted)")
        let name = Self.detailText(canvas, detail.row + 4, detail).trimmingCharacters(in: .whitespaces).split(separator: " ").first.map(String.init)
        _ = controller.handle(.enter, model: model)
        #expect(controller.state.focus == .tree)
        let selected = try #require(controller.state.selected.map { model.path(of: $0) })
        #expect(selected.contains(try #require(name)), "\(selected) for \(name ?? "")")
        // Escape comes back to the whole broker.
        _ = controller.handle(.escape, model: model)
        #expect(controller.state.selected == nil)
        #expect(Fixture.draw(controller, model, now: Self.start + 400).line(detail.row).contains("all topics"))
    }

    @Test func aBranchShowsItsOwnReadingsWithNamesRelativeToIt() {
        let model = Self.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.draw(controller, model, now: Self.start + 400)
        _ = Fixture.type("/zigbee2mqtt", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let canvas = Fixture.draw(controller, model, now: Self.start + 400)
        let detail = controller.layout.detail
        #expect(Self.detailText(canvas, detail.row, detail).contains("zigbee2mqtt"))
        let rows = (detail.row + 3..<detail.row + detail.height).map { Self.detailText(canvas, $0, detail) }.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
        #expect(rows.count == 4, "\(rows)")
        #expect(rows.first?.contains("bedroom_sensor") == true)
        #expect(!rows.contains { $0.contains("esphome") || $0.contains("bathroom") })
    }

    @Test func readingNamesDropTheConventionsWords() {
        #expect(OverviewView.readingName("esphome/bathroom/sensor/temperature/state", field: "", kind: .temperature) == ("bathroom", ""))
        #expect(OverviewView.readingName("tele/tasmota_office/SENSOR", field: "AM2301.Temperature", kind: .temperature) == ("tasmota_office", "AM2301"))
        #expect(OverviewView.readingName("zigbee2mqtt/bedroom_sensor", field: "humidity", kind: .percentage) == ("bedroom_sensor", "humidity"))
        // Units in a field's name stay, so Celsius and Fahrenheit differ.
        // A unit in the field's name goes too: the °C/°F pair is one reading.
        #expect(OverviewView.readingName("shelly/status/temperature:0", field: "tC", kind: .temperature) == ("shelly", ""))
        #expect(OverviewView.readingName("shelly/status/switch:0", field: "temperature.tF", kind: .temperature) == ("shelly/switch:0", ""))
        // Under its own device's branch, a reading is never named by a convention's word alone.
        #expect(OverviewView.readingName("sensor/temperature/state", field: "", kind: .temperature) == ("temperature", ""))
        #expect(OverviewView.readingName("state", field: "", kind: .other) == ("state", ""))
        #expect(OverviewView.readingName("", field: "temperature", kind: .temperature) == ("", "temperature"))
    }

    static func detailText(_ canvas: MemoryCanvas, _ row: Int, _ detail: Rect) -> String {
        canvas.cells[row][detail.column..<(detail.column + detail.width)].map(\.text).joined()
    }
}
