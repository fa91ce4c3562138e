import Dashboard
import MQTT
import Testing
import TopicModel
import TextFormat

/// The tree pane and header on the in-memory canvas.
@Suite(.timeLimit(.minutes(3))) struct TreeViewTests {
    @Test func aSmallHomeIsFullyOpenOnTheFirstFrame() throws {
        let model = Fixture.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let canvas = Fixture.draw(controller, model)
        for name in ["home", "kitchen", "light", "temperature", "hall", "door", "garage"] {
            #expect(Fixture.row(of: name, in: canvas) != nil, "\(name) missing:\n\(canvas.text)")
        }
        #expect(canvas.lines[0].contains("● connected"))
        #expect(canvas.lines[0].contains("4 topics"))
        #expect(canvas.lines[0].contains("3 ◉ retained"))
    }

    @Test func retainedMarkersDifferByGlyphAndRole() throws {
        let model = Fixture.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let canvas = Fixture.draw(controller, model)
        func marker(_ name: String, after parent: String) throws -> (String, Role) {
            let parentRow = try #require(Fixture.treeRow(of: parent, in: canvas))
            let row = try #require((parentRow..<canvas.height).first { canvas.cells[$0].prefix(48).map(\.text).joined().contains(name) })
            return (canvas.cells[row][0].text, canvas.role(row: row, column: 0))
        }
        #expect(try marker("light", after: "kitchen") == ("◉", .retainedShown))
        #expect(try marker("door", after: "hall") == ("◎", .retainedHeld))
        #expect(try marker("light", after: "garage") == ("⊘", .retainedCleared))
        let doorRow = try #require(Fixture.treeRow(of: "door", in: canvas))
        #expect(canvas.line(doorRow).contains("open"))
    }

    @Test func valuesNameTheirFieldUnlessItIsTheTemperatureAndAStateLeads() throws {
        var model = TopicModel()
        model.ingest([
            Fixture.message("z/light", #"{"brightness":180,"state":"ON"}"#),
            Fixture.message("z/sensor", #"{"humidity":48,"temperature":21.5}"#),
            Fixture.message("z/plain", "7.25"),
            Fixture.message("z/switch", "ON"),
        ])
        let canvas = Fixture.draw(DashboardController(connection: Fixture.connected, width: 120, height: 40), model)
        func value(_ name: String) throws -> String { try canvas.line(#require(Fixture.row(of: name, in: canvas))) }
        let light = try value("light")
        // The state leads, the telling reading follows.
        #expect(light.contains("ON · 180 brightness"), "\(light)")
        #expect(try value("sensor").contains(" 21.5") && !value("sensor").contains("temperature"))
        #expect(try value("plain").contains("7.25"))
        #expect(try value("switch").contains("ON"))
    }

    @Test func numericTopicsCarryASparkline() throws {
        let model = Fixture.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let canvas = Fixture.draw(controller, model)
        let row = try #require(Fixture.treeRow(of: "temperature", in: canvas))
        let line = String(canvas.line(row).prefix(48))
        let blocks = line.filter { Sparkline.blocks.contains($0) }
        #expect(blocks.count >= 8, "\(line)")
        #expect(Set(blocks).count >= 3, "a curve, not a flat line: \(line)")
        let blockColumn = try #require(canvas.cells[row].firstIndex { Sparkline.blocks.map(String.init).contains($0.text) })
        #expect(canvas.role(row: row, column: blockColumn) == .sparkline)
        // The blank before the sparkline is the value's: ncurses crosses it without an
        // attribute change when a value and its line change together.
        let sparkStart = try #require(canvas.cells[row].indices.last { $0 < blockColumn && canvas.role(row: row, column: $0) != .sparkline })
        #expect(canvas.cells[row][sparkStart].text == " " && canvas.role(row: row, column: sparkStart) == canvas.role(row: row, column: sparkStart - 1), "\(canvas.role(row: row, column: sparkStart)) \(canvas.role(row: row, column: sparkStart - 1))")
    }

    @Test func hostileNamesAndPayloadsNeverReachTheCanvasRaw() throws {
        var model = TopicModel()
        let evil = "\u{1B}[2J\u{1B}]0;owned\u{07}\u{9B}31m\u{202E}txt\u{7F}"
        model.ingest([
            Fixture.message("x/\(evil)", evil, retain: true),
            MQTTMessage(topic: "x/bin", payload: [0x1B, 0x5B, 0x32, 0x4A, 0xFF, 0x00, 0x9B]),
            Fixture.message("x/温度", "温度 21 °C 🌡️"),
        ])
        for (width, height) in [(120, 40), (80, 24)] {
            let controller = DashboardController(connection: Fixture.connected, width: width, height: height)
            for _ in 0..<3 {
                let canvas = Fixture.draw(controller, model)
                for row in canvas.cells {
                    for cell in row {
                        #expect(!cell.text.unicodeScalars.contains { $0.value < 0x20 || (0x7F..<0xA0).contains($0.value) || $0.value == 0x202E },
                                "raw control in \(cell.text.unicodeScalars.map { $0.value })")
                    }
                }
                #expect(canvas.text.contains("\\x1b[2J"))
                _ = controller.handle(.down, model: model)
            }
        }
    }

    @Test func wideCharactersTakeTwoCellsAndAreCutAtCellBoundariesWithAnEllipsis() {
        _ = Fixture.locale
        var canvas = MemoryCanvas(width: 5, height: 1)
        canvas.write("温度计", row: 0, column: 0, role: .text)
        // 温度计 is six cells: two fit, and the fifth says the rest was cut.
        #expect(canvas.line(0) == "温度…")
        #expect(DisplayWidth.of("温度 21") == 7)
    }

    @Test func selectionKeepsItsTopicAndLineAsTopicsArrive() throws {
        var model = TopicModel()
        model.ingest((10..<40).map { Fixture.message("home/room\($0)/t", "\($0)") })
        // 120x12: a tree pane of ten rows over more rows than fit, so it scrolls.
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 12)
        _ = Fixture.draw(controller, model)
        // Thirty rooms do not fit, so "home" starts closed: open it by hand.
        _ = controller.handle(.right, model: model)
        for _ in 0..<25 { _ = controller.handle(.down, model: model) }
        for _ in 0..<3 { _ = controller.handle(.up, model: model) }
        let before = Fixture.draw(controller, model)
        let selected = try #require(controller.state.selected)
        let line = controller.state.screenRow
        #expect(controller.state.scroll > 0)
        // New topics sort before the selection (room1 < room10, and a/...) and after it.
        model.ingest([Fixture.message("a/first", "1"), Fixture.message("home/room1/t", "2"), Fixture.message("home/room2/t", "3"),
                      Fixture.message("home/room99/t", "4")])
        let after = Fixture.draw(controller, model)
        #expect(controller.state.selected == selected)
        #expect(controller.state.screenRow == line)
        #expect(before.line(1 + line) == after.line(1 + line))
    }

    @Test func layoutsAtEverySize() throws {
        let model = Fixture.home()
        let wide = Fixture.draw(DashboardController(connection: Fixture.connected, width: 120, height: 40), model)
        #expect(wide.line(5).contains("│"), "side by side")
        let narrow = Fixture.draw(DashboardController(connection: Fixture.connected, width: 80, height: 24), model)
        #expect(narrow.lines.contains { $0.hasPrefix("── ") && $0.contains("detail") }, "stacked:\n\(narrow.text)")
        #expect(narrow.lines[23].contains("q quit"))
        // The kitchen temperature (every minute) has been quiet for over four: stale, and counted.
        #expect(narrow.lines[0].hasSuffix("4 topics · 3◉ · 1◷ · 0/s"), "the short header keeps the rate: \(narrow.lines[0])")
        let tiny = Fixture.draw(DashboardController(connection: Fixture.connected, width: 39, height: 10), model)
        #expect(tiny.lines[0].contains("too small") || tiny.lines[0].contains(" < 40x10"), "\(tiny.lines[0])")
        for (width, height) in [(40, 10), (41, 11), (200, 60), (1, 1), (0, 0)] {
            let canvas = Fixture.draw(DashboardController(connection: Fixture.connected, width: width, height: height), model)
            #expect(canvas.width == width)
        }
    }

    @Test func connectionStatesShowInTheHeader() {
        let model = Fixture.home()
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let lost = 1_700_002_000.0
        controller.apply(.connection(ConnectionStatus(broker: "b:1883", phase: .reconnecting(retryAt: lost + 7, lastError: "connection refused"),
                                                      downSince: lost)))
        let canvas = Fixture.draw(controller, model, now: lost + 3)
        #expect(canvas.lines[0].contains("↻ reconnecting in 4 s (down 3 s): connection refused"), "\(canvas.lines[0])")
        #expect(canvas.role(of: "↻", row: 0) == .reconnecting)
        // The countdown and the time down move with the clock, and the screen ticks while they show.
        #expect(controller.wantsTick)
        let later = Fixture.draw(controller, model, now: lost + 5)
        #expect(later.lines[0].contains("↻ reconnecting in 2 s (down 5 s)"), "\(later.lines[0])")
    }
}
