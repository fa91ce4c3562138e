@testable import Dashboard
import MQTT
import Testing
import TopicModel

/// What's on, what's warm: states lead, and a device's own temperature is not a room's.
@Suite(.timeLimit(.minutes(1)))
struct StateBeforeNumbersTests {
    @Test func aLightsOffAPlugsOnAndARelaysOutputLeadTheirRows() throws {
        var model = TopicModel()
        model.ingest([
            Fixture.message("zigbee2mqtt/bedroom_light", #"{"brightness":180,"color_mode":"color_temp","color_temp":370,"state":"OFF"}"#),
            Fixture.message("zigbee2mqtt/washer_plug", #"{"current":0.49,"energy":23.4,"linkquality":120,"power":112.4,"state":"ON","voltage":230}"#),
            Fixture.message("shellyplus1pm-office/status/switch:0",
                            #"{"id":0,"output":true,"apower":41.5,"voltage":231.4,"temperature":{"tC":48.9,"tF":120.0}}"#),
            Fixture.message("zigbee2mqtt/hall_sensor", #"{"temperature":21.5,"humidity":48,"pressure":1012.3,"device_temperature":31}"#),
        ])
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let canvas = Fixture.draw(controller, model)
        func tree(_ name: String) throws -> String {
            String(try canvas.line(#require(Fixture.treeRow(of: name, in: canvas, paneWidth: controller.layout.tree.width)))
                .prefix(controller.layout.tree.width))
        }
        #expect(try tree("bedroom_light").contains("OFF · 180 brightness"))
        #expect(try tree("washer_plug").contains("ON · 112.4 W"))
        #expect(try tree("switch:0").contains("ON · 41.5 W"))
        #expect(try !tree("switch:0").contains("48.9"))
        // The overview: the same words, and one temperature (the hall's), not the relay's chip.
        let detail = controller.layout.detail
        let overview = (detail.row..<detail.row + detail.height).map {
            String(canvas.line($0).dropFirst(detail.column).prefix(detail.width))
        }
        #expect(overview.contains { $0.contains("1 temperature ") || $0.contains("1 temperature ·") }, "\(overview)")
        #expect(overview.contains { $0.contains("bedroom_light") && $0.contains("OFF · 180 brightness") })
        #expect(overview.contains { $0.contains("washer_plug") && $0.contains("ON · 112.4 W") })
        #expect(overview.contains { $0.contains("switch:0") && $0.contains("ON · 41.5 W") })
        let temperatures = overview.filter { $0.contains("°C") }
        #expect(temperatures.count == 3 && temperatures[0].contains("hall_sensor"), "hall first; the chips' among the internals: \(temperatures)")
        #expect(overview.firstIndex { $0.contains("48.9 °C") }! > overview.firstIndex { $0.contains("humidity") }!)
        // A value wider than its column keeps its unit; a device's own temperature keeps its name.
        #expect(overview.contains { $0.contains("1012.3 hPa") }, "\(overview)")
        #expect(overview.contains { $0.contains("emperature") && $0.contains("31 °C") }, "the field named, cut in its middle: \(overview)")
    }

    @Test func prettyPrintedJSONShowsTheCharactersItsEscapesName() {
        let lines = PayloadFormatter.lines(Array(#"{"unit":"\u00b0C","face":"\ud83d\ude00","bell":"\u0007","quote":"\\u00b0"}"#.utf8), truncated: false, width: 60)
        let text = lines.map(\.text).joined(separator: "\n")
        #expect(text.contains("\"°C\"") && text.contains("\"😀\""), "\(text)")
        #expect(text.contains(#"\u0007"#) && text.contains(#""\\u00b0""#), "control characters and escaped backslashes stay as written: \(text)")
    }
}
