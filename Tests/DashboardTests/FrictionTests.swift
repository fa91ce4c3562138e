@testable import Dashboard
import Foundation
import MQTT
import Testing
import TopicModel
import TextFormat

/// What a new user ran into, each fixed: confirmations, notes that leave, sizes, values as sent.
@Suite(.timeLimit(.minutes(1)))
struct FrictionTests {
    @Test func yAndYConfirmInTheFooter() {
        let model = Fixture.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.draw(controller, model)
        #expect(controller.handle(.character("y"), model: model).isEmpty, "nothing selected, nothing copied")
        #expect(Fixture.draw(controller, model).lines[39].contains("select a topic to copy"))
        _ = Fixture.type("/kitchen/light", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        #expect(controller.handle(.character("y"), model: model) == [.copy("home/kitchen/light")])
        #expect(Fixture.draw(controller, model).lines[39].contains("copied the topic (OSC 52)"))
        #expect(controller.handle(.character("Y"), model: model) == [.copy("ON")])
        #expect(Fixture.draw(controller, model).lines[39].contains("copied the payload, 2 B (OSC 52)"))
    }

    @Test func theClipboardNoteIsFoundOutAtTheFirstCopyAndOnlyThen() {
        let model = Fixture.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let asked = Counter()
        controller.findClipboardNote = {
            asked.count += 1
            return "tmux needs: set -g set-clipboard on"
        }
        _ = Fixture.draw(controller, model)
        _ = Fixture.type("/kitchen/light", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        _ = Fixture.draw(controller, model)
        #expect(asked.count == 0, "not asked before a copy: the first screen does not wait for tmux")
        _ = controller.handle(.character("y"), model: model)
        #expect(Fixture.draw(controller, model).lines[39].contains("copied the topic (OSC 52); tmux needs: set -g set-clipboard on"))
        _ = controller.handle(.character("Y"), model: model)
        #expect(Fixture.draw(controller, model).lines[39].contains("; tmux needs: set -g set-clipboard on"))
        #expect(asked.count == 1)
    }

    /// Counts calls from a closure.
    private final class Counter { var count = 0 }

    @Test func theMatchNoteLeavesWhenTheSearchEnds() {
        let model = Fixture.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.draw(controller, model)
        _ = Fixture.type("/light", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        #expect(Fixture.draw(controller, model).lines[39].contains("[match 1/"))
        _ = controller.handle(.character("n"), model: model)
        #expect(Fixture.draw(controller, model).lines[39].contains("[match 2/"))
        _ = controller.handle(.character("j"), model: model)
        #expect(!Fixture.draw(controller, model).lines[39].contains("[match"))
    }

    @Test(arguments: [(30, 8), (20, 3), (12, 1), (39, 10)])
    func tooSmallFitsWhateverTheSize(width: Int, height: Int) {
        let canvas = Fixture.draw(DashboardController(connection: Fixture.connected, width: width, height: height), Fixture.home())
        let line = canvas.lines[0]
        #expect(line.contains("\(width)x\(height)") && line.contains("40x10"), "\(line)")
        #expect(!line.contains("need,") && DisplayWidth.of(line.trimmingCharacters(in: .whitespaces)) <= width)
    }

    @Test func plainNumbersShowAsSentWithTheirUnitAndJSONLeadsWithItsState() throws {
        var model = TopicModel()
        model.ingest([
            Fixture.message("room/a", "19.5 °C"), Fixture.message("room/b", "22.0"),
            Fixture.message("room/c", #"{"linkquality": 80, "state": "on"}"#), Fixture.message("room/d", #"{"status": "idle"}"#),
        ])
        let canvas = Fixture.draw(DashboardController(connection: Fixture.connected, width: 120, height: 40), model)
        func tree(_ name: String) throws -> String {
            let row = try #require(Fixture.treeRow(of: name, in: canvas))
            return canvas.cells[row].prefix(48).map(\.text).joined()
        }
        #expect(try tree(" a ").contains("19.5 °C"))
        #expect(try tree(" b ").contains("22.0"))
        let idle = try tree(" d ")
        #expect(idle.contains("status idle"), "\(idle)")
        #expect(TreePane.leadingField(#"{"linkquality": 80, "state": "on"}"#) == "state on")
        #expect(TreePane.leadingField(#"{"Occupancy": true}"#) == "occupancy true")
        #expect(TreePane.leadingField("plain") == nil)
    }
}
