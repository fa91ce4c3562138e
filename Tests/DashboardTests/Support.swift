import Dashboard
import Foundation
import MQTT
import TopicModel
import Watch
import TextFormat

/// Builds models and frames for view tests.
enum Fixture {
    /// Widths come from wcwidth, which needs a UTF-8 locale (the terminal session sets the user's).
    static let locale: Void = { _ = setlocale(LC_ALL, "C.UTF-8") }()

    static let connected = ConnectionStatus(broker: "localhost:1883", phase: .connected, version: "5.0")

    static func message(_ topic: String, _ payload: String, retain: Bool = false, at time: Double = 1_700_000_000) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: Array(payload.utf8), retain: retain, receivedAt: Date(timeIntervalSince1970: time))
    }

    /// A small home: retained states in every flavour and a temperature with history.
    static func home() -> TopicModel {
        var model = TopicModel()
        model.ingest([
            message("home/kitchen/light", "ON", retain: true),
            message("home/hall/door", "closed", retain: true),
            message("home/hall/door", "open"),  // live over a held retained value
            message("home/garage/light", "ON", retain: true),
            message("home/garage/light", "", retain: true),  // cleared
        ])
        for minute in 0..<30 {
            let value = 20 + sin(Double(minute) / 5) * 2
            model.ingest(message("home/kitchen/temperature", ValueFormat.short(value), retain: minute == 0, at: 1_700_000_000 + Double(minute) * 60))
        }
        return model
    }

    /// Draws what the controller shows for a model now, refreshed to `now` as the program does.
    static func draw(_ controller: DashboardController, _ model: TopicModel, rules: RuleEngine? = nil,
                     actions: [String: WatchState.ActionResult] = [:], now: Double = 1_700_002_000) -> MemoryCanvas {
        _ = locale
        var model = model
        model.refresh(now: now)
        let frame = controller.makeFrame(model: model, rules: rules, actions: actions, now: now)
        var canvas = MemoryCanvas(width: controller.layout.width, height: controller.layout.height)
        DashboardView.draw(frame, on: &canvas)
        return canvas
    }

    /// Types text into the dashboard, one character at a time.
    static func type(_ text: String, into controller: DashboardController, model: TopicModel) -> [DashboardAction] {
        text.flatMap { controller.handle(.character($0), model: model) }
    }

    /// The row on which `text` appears, if any.
    static func row(of text: String, in canvas: MemoryCanvas) -> Int? {
        canvas.lines.firstIndex { $0.contains(text) }
    }
}

extension Fixture {
    /// The first line whose tree pane (left of the detail pane) contains `text`.
    static func treeRow(of text: String, in canvas: MemoryCanvas, paneWidth: Int = 48) -> Int? {
        (0..<canvas.height).first { row in
            canvas.cells[row].prefix(paneWidth).map(\.text).joined().contains(text)
        }
    }
}
