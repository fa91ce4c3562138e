import Dashboard
import Foundation
import MQTT
import Testing
import TopicModel

/// The frame builder alone: a model, a view state and the rows on screen in; a frame out. No
/// controller, no keys.
@Suite(.timeLimit(.minutes(1)))
struct FrameBuilderTests {
    static let layout = Layout(width: 120, height: 40)

    /// The rows a settled tree shows with every level of `home` open.
    static func rows(_ model: TopicModel) -> VisibleRows {
        let home = model.find("home")!
        let expanded = Set([home] + model.children(of: home))
        return model.visibleRows(TreeQuery(expanded: expanded, offset: 0, limit: layout.tree.height))
    }

    @Test func theSnapshotReadsTheModelAndFinishFormatsThePayloadWithoutIt() throws {
        _ = Fixture.locale
        var model = Fixture.home()
        model.ingest(Fixture.message("home/hall/sensor", #"{"temperature":21.5,"humidity":40}"#))
        let builder = FrameBuilder()
        var state = DashboardState()
        state.rootShown = false
        state.selected = model.find("home/hall/sensor")
        let rows = Self.rows(model)

        var frame = builder.snapshot(model: model, rows: rows, state: &state, layout: Self.layout, connection: Fixture.connected, now: 1_700_002_000)
        #expect(frame.topicCount == model.topicCount && frame.rows.count == rows.rows.count)
        #expect(frame.rows.filter(\.isSelected).map(\.tree.node) == [state.selected])
        let detail = try #require(frame.detail)
        #expect(detail.path == "home/hall/sensor" && detail.record != nil)
        // Nothing formatted yet: that waits for `finish`, which needs no model.
        #expect(detail.payloadLines.isEmpty && frame.detailLines.isEmpty)

        builder.finish(&frame, state: &state)
        let text = frame.detailLines.map(\.text).joined(separator: "\n")
        #expect(frame.detail?.payloadLines.isEmpty == false)
        #expect(text.contains("\"temperature\"") && text.contains("21.5"))
        #expect(state.detailBottom == max(0, frame.detailLines.count - Self.layout.detail.height))
    }

    @Test func withNothingSelectedTheFrameHoldsTheOverviewAndKeepsItsCursorWithinItsRows() {
        let model = Fixture.home()
        let builder = FrameBuilder()
        var state = DashboardState()
        state.overviewCursor = 10_000
        var frame = builder.snapshot(model: model, rows: Self.rows(model), state: &state, layout: Self.layout, connection: Fixture.connected,
                                     now: 1_700_002_000)
        builder.finish(&frame, state: &state)
        #expect(frame.detail == nil)
        let overview = frame.overview
        #expect(overview?.path == "" && overview?.topicCount == model.topicCount)
        #expect(state.overviewCursor == max(0, (overview?.totalRows ?? 0) - 1))
        #expect(overview?.lines.contains { $0.sparkline != nil } == true)
    }

    @Test func aTreeSparklineKeepsItsScaleFromFrameToFrameWhileItsValuesFit() {
        var model = TopicModel()
        let builder = FrameBuilder()
        var state = DashboardState()
        state.rootShown = false
        var lines: [String] = []
        // A temperature rising 0.1 a second: each frame draws the tree row's line once more.
        for second in 0..<12 {
            model.ingest(Fixture.message("home/attic/temperature", String(20 + Double(second) / 10), at: 1_700_000_000 + Double(second)))
            let frame = builder.snapshot(model: model, rows: Self.rows(model), state: &state, layout: Self.layout, connection: Fixture.connected,
                                         now: 1_700_000_000 + Double(second))
            if let line = frame.rows.compactMap(\.sparkline).first { lines.append(line) }
        }
        #expect(lines.count >= 10)
        // While the scale holds, a frame changes one cell of the line (its newest point's).
        let redrawnWhole = zip(lines, lines.dropFirst()).filter { before, after in zip(before, after).filter { $0 != $1 }.count > 1 }
        #expect(redrawnWhole.count <= 1, "\(lines)")
    }
}

/// The controller alone: keys change the state and ask for actions; nothing is drawn.
@Suite(.timeLimit(.minutes(1)))
struct ControllerKeyTests {
    @Test func keysThatNeedNoModelAreHandledWithoutIt() {
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        #expect(controller.handle(.character("t")) == [])
        #expect(controller.state.showsAges)
        #expect(controller.handle(.character("]")) == [] && controller.state.graphWindow != GraphWindow.fiveMinutes)
        // Moving reads the model's rows.
        #expect(controller.handle(.character("j")) == nil)
        // Typing a search is the prompt's own; Enter runs it on the model.
        #expect(controller.handle(.character("/")) == [])
        #expect(controller.handle(.character("k")) == [] && controller.handle(.character("i")) == [])
        #expect(controller.handle(.enter) == nil)
        #expect(controller.handle(.escape) == [])
        #expect(controller.handle(.character("q")) == [.quit])
        #expect(controller.handle(.control("c")) == [.quit])
    }

    @Test func thePublishDialogTypesAndSendsWithoutTheModel() throws {
        let controller = DashboardController(connection: Fixture.connected, width: 120, height: 40)
        let model = Fixture.home()
        #expect(Fixture.type("p", into: controller, model: model).isEmpty)
        // Nothing selected: the empty topic has the keyboard first.
        for character in "home/heater/set" { #expect(controller.handle(.character(character)) == []) }
        #expect(controller.handle(.tab) == [])
        for character in "ON" { #expect(controller.handle(.character(character)) == []) }
        let sent = try #require(controller.handle(.control("s")))
        guard case let .publish(request)? = sent.first else {
            Issue.record("no publish: \(sent)")
            return
        }
        #expect(request.topic == "home/heater/set" && request.payload == Array("ON".utf8))
    }
}
