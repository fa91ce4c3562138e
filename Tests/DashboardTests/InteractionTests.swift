import Dashboard
import MQTT
import Testing
import TopicModel

/// Keys: publish dialog, clearing retained values, search, filter, help.
@Suite(.timeLimit(.minutes(3))) struct InteractionTests {
    private func ready(_ model: TopicModel, width: Int = 120, height: Int = 40) -> DashboardController {
        let controller = DashboardController(connection: Fixture.connected, width: width, height: height)
        _ = Fixture.draw(controller, model)
        // From the whole broker's overview into the tree, on the first row.
        _ = controller.handle(.down, model: model)
        _ = Fixture.draw(controller, model)
        return controller
    }

    private func select(_ topic: String, _ controller: DashboardController, _ model: TopicModel) {
        _ = controller.handle(.character("/"), model: model)
        _ = Fixture.type(topic, into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        _ = Fixture.draw(controller, model)
    }

    @Test func publishWithTheRetainToggle() throws {
        let model = Fixture.home()
        let controller = ready(model)
        select("home/kitchen/light", controller, model)
        _ = controller.handle(.character("p"), model: model)
        var canvas = Fixture.draw(controller, model)
        #expect(Fixture.row(of: "Topic    home/kitchen/light", in: canvas) != nil, "\(canvas.text)")
        #expect(Fixture.row(of: "[ ] not retained", in: canvas) != nil)
        _ = Fixture.type("OFF", into: controller, model: model)
        _ = controller.handle(.control("r"), model: model)
        canvas = Fixture.draw(controller, model)
        let toggle = try #require(Fixture.row(of: "[x] retained", in: canvas))
        #expect(canvas.role(of: "[x] retained", row: toggle) == .toggleOn)
        // Enter in the payload is a new line; Ctrl-S sends from anywhere.
        _ = controller.handle(.enter, model: model)
        _ = controller.handle(.backspace, model: model)
        let actions = controller.handle(.control("s"), model: model)
        #expect(actions == [.publish(PublishRequest(topic: "home/kitchen/light", payload: Array("OFF".utf8), qos: .atMostOnce, retain: true))])
        controller.apply(.published(topic: "home/kitchen/light", error: nil))
        canvas = Fixture.draw(controller, model)
        #expect(Fixture.row(of: "✓ home/kitchen/light: sent", in: canvas) != nil, "\(canvas.text)")
        _ = controller.handle(.escape, model: model)
        #expect(Fixture.row(of: "[x] retained", in: Fixture.draw(controller, model)) == nil)
    }

    @Test func publishFieldsQoSAndMouseToggle() throws {
        let model = Fixture.home()
        let controller = ready(model)
        _ = controller.handle(.character("p"), model: model)
        _ = controller.handle(.backTab, model: model)  // payload → topic
        _ = controller.handle(.control("u"), model: model)
        _ = Fixture.type("cmd/heater/set", into: controller, model: model)
        _ = controller.handle(.tab, model: model)
        _ = Fixture.type("ON", into: controller, model: model)
        _ = controller.handle(.tab, model: model)
        _ = controller.handle(.character("2"), model: model)
        let canvas = Fixture.draw(controller, model)
        let retainRow = try #require(Fixture.row(of: "[ ] not retained", in: canvas))
        _ = controller.handle(.click(row: retainRow, column: 20), model: model)
        let actions = controller.handle(.enter, model: model)
        #expect(actions == [.publish(PublishRequest(topic: "cmd/heater/set", payload: Array("ON".utf8), qos: .exactlyOnce, retain: true))])
        controller.apply(.published(topic: "cmd/heater/set", error: nil))
        #expect(Fixture.row(of: "✓ cmd/heater/set: acknowledged", in: Fixture.draw(controller, model)) != nil)
    }

    @Test func invalidInputIsShownInlineAndNothingIsSent() throws {
        let model = Fixture.home()
        let controller = ready(model)
        _ = controller.handle(.character("p"), model: model)
        _ = controller.handle(.backTab, model: model)
        _ = controller.handle(.control("u"), model: model)
        _ = Fixture.type("home/+/x", into: controller, model: model)
        #expect(controller.handle(.control("s"), model: model).isEmpty)
        #expect(Fixture.row(of: "wildcards (+ and #) are not allowed in a topic name", in: Fixture.draw(controller, model)) != nil)
        _ = controller.handle(.control("u"), model: model)
        #expect(controller.handle(.control("s"), model: model).isEmpty)
        #expect(Fixture.row(of: "topic: empty", in: Fixture.draw(controller, model)) != nil)
    }

    @Test func anEmptyRetainedPayloadAsksBeforeClearing() throws {
        let model = Fixture.home()
        let controller = ready(model)
        select("home/kitchen/light", controller, model)
        _ = controller.handle(.character("p"), model: model)
        _ = controller.handle(.control("r"), model: model)
        #expect(controller.handle(.control("s"), model: model).isEmpty)
        #expect(Fixture.row(of: "clear the retained value of home/kitchen/light? y/n", in: Fixture.draw(controller, model)) != nil)
        #expect(controller.handle(.character("y"), model: model)
                == [.publish(PublishRequest(topic: "home/kitchen/light", payload: [], qos: .atMostOnce, retain: true))])
    }

    @Test func clearOneRetainedValueAfterConfirming() throws {
        let model = Fixture.home()
        let controller = ready(model)
        select("home/kitchen/light", controller, model)
        _ = controller.handle(.character("d"), model: model)
        #expect(Fixture.row(of: "Clear the retained value of home/kitchen/light?", in: Fixture.draw(controller, model)) != nil)
        #expect(controller.handle(.character("n"), model: model).isEmpty)
        _ = controller.handle(.character("d"), model: model)
        #expect(controller.handle(.character("y"), model: model) == [.clearRetained(["home/kitchen/light"])])
    }

    @Test func clearEverythingBelowWithADryRun() throws {
        let model = Fixture.home()
        let controller = ready(model)
        #expect(controller.state.selected.map { model.path(of: $0) } == "home")
        _ = controller.handle(.character("D"), model: model)
        #expect(Fixture.row(of: "Clear 3 retained values under home?", in: Fixture.draw(controller, model)) != nil)
        _ = controller.handle(.character("l"), model: model)
        let list = Fixture.draw(controller, model)
        for topic in ["home/hall/door", "home/kitchen/light", "home/kitchen/temperature"] {
            #expect(Fixture.row(of: "◉ " + topic, in: list) != nil, "\(list.text)")
        }
        #expect(Fixture.row(of: "home/garage/light", in: list) == nil || !list.text.contains("◉ home/garage"))
        let actions = controller.handle(.character("y"), model: model)
        #expect(actions == [.clearRetained(["home/hall/door", "home/kitchen/light", "home/kitchen/temperature"])])
        controller.apply(.cleared(done: 3, total: 3, error: nil))
        #expect(Fixture.row(of: "cleared 3 retained values", in: Fixture.draw(controller, model)) != nil)
    }

    @Test func searchSelectsMatchesInTurn() throws {
        let model = Fixture.home()
        let controller = ready(model)
        select("light", controller, model)
        #expect(controller.state.selected.map { model.path(of: $0) } == "home/garage/light")
        #expect(Fixture.draw(controller, model).lines.last?.contains("match 1/2") == true)
        _ = controller.handle(.character("n"), model: model)
        #expect(controller.state.selected.map { model.path(of: $0) } == "home/kitchen/light")
        _ = controller.handle(.character("N"), model: model)
        #expect(controller.state.selected.map { model.path(of: $0) } == "home/garage/light")
    }

    @Test func wildcardFilterShowsOnlyMatchingBranches() throws {
        let model = Fixture.home()
        let controller = ready(model)
        _ = controller.handle(.character("f"), model: model)
        _ = Fixture.type("home/+/light", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let canvas = Fixture.draw(controller, model)
        let treeWidth = controller.layout.tree.width
        let tree = canvas.lines.dropFirst().map { String($0.prefix(treeWidth)) }
        #expect(!tree.contains { $0.contains("door") || $0.contains("temperature") }, "\(canvas.text)")
        #expect(tree.contains { $0.contains("garage") } && tree.contains { $0.contains("kitchen") })
        _ = controller.handle(.character("F"), model: model)
        #expect(Fixture.row(of: "door", in: Fixture.draw(controller, model)) != nil)
    }

    @Test func helpListsTheKeysAndQuitQuits() {
        let model = Fixture.home()
        let controller = ready(model)
        _ = controller.handle(.character("?"), model: model)
        let help = Fixture.draw(controller, model)
        for key in ["PgUp/PgDn", "search", "Ctrl-R retain", "OSC 52", "quit", "show ages", "order by name or traffic", "next stale topic", "◌", "◷ ✕ ↯", "Ctrl-B broker"] { #expect(help.text.contains(key), "\(key)") }
        // Whole on the smallest usual screen, legend included.
        let small = DashboardController(connection: Fixture.connected, width: 80, height: 24)
        _ = small.handle(.character("?"), model: model)
        let smallHelp = Fixture.draw(small, model)
        #expect(smallHelp.text.contains("◉ ◎ ⊘ ◌") && smallHelp.text.contains("/ unreachable"), "\(smallHelp.text)")
        _ = controller.handle(.character("x"), model: model)
        #expect(controller.handle(.character("q"), model: model) == [.quit])
        #expect(controller.handle(.control("c"), model: model) == [.quit])
    }

    @Test func copyActionsCarryTopicAndPayload() {
        let model = Fixture.home()
        let controller = ready(model)
        select("home/kitchen/light", controller, model)
        #expect(controller.handle(.character("y"), model: model) == [.copy("home/kitchen/light")])
        #expect(controller.handle(.character("Y"), model: model) == [.copy("ON")])
    }

    @Test func mouseClickSelectsAndTheWheelScrolls() throws {
        let model = Fixture.home()
        let controller = ready(model)
        let canvas = Fixture.draw(controller, model)
        let doorRow = try #require(Fixture.treeRow(of: "door", in: canvas))
        _ = controller.handle(.click(row: doorRow, column: 10), model: model)
        #expect(controller.state.selected.map { model.path(of: $0) } == "home/hall/door")
        _ = controller.handle(.wheelUp(row: doorRow, column: 10), model: model)
        #expect(controller.state.cursor == max(0, doorRow - 1 - 3))
        // A second click on a selected branch closes it.
        _ = Fixture.draw(controller, model)
        let hallRow = try #require(Fixture.treeRow(of: "hall", in: Fixture.draw(controller, model)))
        _ = controller.handle(.click(row: hallRow, column: 8), model: model)
        _ = controller.handle(.click(row: hallRow, column: 8), model: model)
        #expect(Fixture.treeRow(of: "door", in: Fixture.draw(controller, model)) == nil)
    }

    @Test func bracketedPasteArrivesAsOneKeyAndNewlinesAreText() {
        var assembler = PasteAssembler()
        let start: [Key] = [.escape, .character("["), .character("2"), .character("0"), .character("0"), .character("~")]
        let end: [Key] = [.escape, .character("["), .character("2"), .character("0"), .character("1"), .character("~")]
        // A paste split across two reads, with keys before and after it.
        let first = assembler.assemble([.character("j")] + start + [.character("a"), .enter], now: 0)
        let second = assembler.assemble([.character("b")] + end + [.escape], now: 0.1)
        #expect(first == [.character("j")])
        #expect(second == [.paste("a\nb"), .escape])

        let model = Fixture.home()
        let controller = ready(model)
        select("home/kitchen/light", controller, model)
        _ = controller.handle(.character("p"), model: model)
        _ = controller.handle(.paste("{\n  \"state\": \"ON\"\n}"), model: model)
        _ = controller.handle(.backTab, model: model)
        _ = controller.handle(.paste("\nextra"), model: model)  // one-line field: newlines become spaces
        let actions = controller.handle(.control("s"), model: model)
        #expect(actions == [.publish(PublishRequest(topic: "home/kitchen/light extra", payload: Array("{\n  \"state\": \"ON\"\n}".utf8),
                                                    qos: .atMostOnce, retain: false))])
    }
}

/// Bracketed paste as reads really split it (over SSH anywhere, even inside a marker).
@Suite(.timeLimit(.minutes(3))) struct PasteSplitTests {
    static let start: [Key] = [.escape, .character("["), .character("2"), .character("0"), .character("0"), .character("~")]
    static let end: [Key] = [.escape, .character("["), .character("2"), .character("0"), .character("1"), .character("~")]
    static func text(_ string: String) -> [Key] { string.map(Key.character) }

    @Test func anEndMarkerSplitOverThreeReadsStillEndsThePaste() {
        // ESC [200~hello, then ESC [20, then 1~: the fault that froze the dashboard.
        var assembler = PasteAssembler()
        #expect(assembler.assemble(Self.start + Self.text("hello"), now: 0).isEmpty)
        #expect(assembler.assemble(Array(Self.end.prefix(4)), now: 0.01).isEmpty)
        #expect(assembler.assemble(Array(Self.end.suffix(2)), now: 0.02) == [.paste("hello")])
        // Keys work again at once.
        #expect(assembler.assemble([.escape], now: 0.03) == [.escape])
        #expect(assembler.assemble([.character("q")], now: 0.04) == [.character("q")])
    }

    @Test func aStartMarkerSplitAnywhereAndEveryOtherSplit() {
        let stream = [Key.character("x")] + Self.start + Self.text("a b") + [.enter] + Self.text("c") + Self.end + [.character("q")]
        // Not right after the start marker's ESC: a lone Escape at the end of a read is the Escape
        // key (ncurses already waits ESCDELAY for what follows an ESC before handing it over).
        for cut in 1..<stream.count where cut != 2 {
            for second in cut..<stream.count where second != 2 {
                var assembler = PasteAssembler()
                let keys = assembler.assemble(Array(stream[..<cut]), now: 0) + assembler.assemble(Array(stream[cut..<second]), now: 0.01)
                    + assembler.assemble(Array(stream[second...]), now: 0.02)
                #expect(keys == [.character("x"), .paste("a b\nc"), .character("q")], "cut at \(cut) and \(second)")
            }
        }
    }

    @Test func ctrlCAlwaysGetsThroughAndALostEndMarkerTimesOut() {
        var assembler = PasteAssembler()
        _ = assembler.assemble(Self.start + Self.text("abc"), now: 0)
        #expect(assembler.assemble([.control("c")], now: 0.1) == [.control("c")])
        // The end marker never comes: after a second without input the paste ends, keys work.
        var lost = PasteAssembler()
        _ = lost.assemble(Self.start + Self.text("abc") + Array(Self.end.prefix(3)), now: 0)
        #expect(lost.assemble([.character("x")], now: 0.5).isEmpty, "still inside the paste")
        #expect(lost.assemble([.escape], now: 2) == [.paste("abc[2x"), .escape])
        #expect(lost.assemble([.character("q")], now: 2.1) == [.character("q")])
    }

    @Test func wakeUpsWithoutKeysDoNotKeepALostPasteOpen() {
        // The program calls in with no keys whenever messages wake it: that is not input.
        var assembler = PasteAssembler()
        _ = assembler.assemble(Self.start + Self.text("abc"), now: 0)
        for tenth in 1...10 { #expect(assembler.assemble([], now: Double(tenth) / 10).isEmpty) }
        // Past the timeout a wake-up alone ends it, and keys work again.
        #expect(assembler.assemble([], now: 1.1) == [.paste("abc")])
        #expect(assembler.assemble([.escape], now: 1.2) == [.escape])
    }

    @Test func aLoneEscapeIsNeverHeldBack() {
        var assembler = PasteAssembler()
        #expect(assembler.assemble([.character("p"), .escape], now: 0) == [.character("p"), .escape])
        // ESC [ at the end of a read may be a marker's start: held until the next read says.
        #expect(assembler.assemble([.escape, .character("[")], now: 1) == [])
        #expect(assembler.assemble([.character("A")], now: 1.01) == [.escape, .character("["), .character("A")])
    }
}

/// A topic of 25,000 levels: search, filter and the frames that follow draw without exhausting
/// the stack, and each row stays one row.
@Suite(.timeLimit(.minutes(3))) struct DeepTopicViewTests {
    @Test func searchAndFilterOnADeepTopic() throws {
        var model = TopicModel()
        let deep = Array(repeating: "a", count: 25_000).joined(separator: "/")
        model.ingest([Fixture.message(deep, "21.5", retain: true), Fixture.message("home/t", "20")])
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        _ = Fixture.type("/a/a/a", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        // The first match is the branch where the text starts; n goes on to the topic.
        _ = controller.handle(.character("n"), model: model)
        let found = Fixture.draw(controller, model)
        #expect(found.text.contains("[match 2/2]"), "\(found.text)")
        #expect(found.lines.contains { $0.hasPrefix("◉") && $0.contains("21.5") }, "\(found.text)")
        _ = Fixture.type("fa/#", into: controller, model: model)
        _ = controller.handle(.enter, model: model)
        let filtered = Fixture.draw(controller, model)
        #expect(filtered.text.contains("1 topic matches a/#"), "\(filtered.text)")
        _ = controller.handle(.end, model: model)
        let end = Fixture.draw(controller, model)
        #expect(end.lines.contains { $0.hasPrefix("◉") && $0.contains("21.5") }, "\(end.text)")
    }
}
