import TextFormat
/// The publish dialog: topic, payload, QoS, the retain toggle and Send.
///
///     Topic    home/kitchen/heater/set
///     Payload  ON
///     QoS      [0] 1 2
///     Retain   [x] retain: the broker keeps this value for new subscribers   (Ctrl-R)
///     [ Send ]  Ctrl-S send · Tab next field · Esc cancel
///
/// With several brokers on screen a Broker line comes first: the selected topic's, and Ctrl-B
/// moves to the next.
enum PublishDialogView {
    static let title = "publish"
    static let minimumWidth = 64
    /// The payload shows this many lines at most; longer payloads show their end.
    static let payloadLines = 6

    static func draw(_ form: PublishForm, frame: DashboardFrame, on canvas: inout some Canvas) {
        OverlayView.box(title: title, lines: lines(form), frame: frame, on: &canvas, minimumWidth: minimumWidth)
    }

    /// The screen row of the retain toggle, for mouse clicks.
    static func retainRow(_ form: PublishForm, layout: Layout) -> Int {
        let all = lines(form)
        let rect = OverlayView.boxRect(title: title, lines: all, layout: layout, minimumWidth: minimumWidth)
        return rect.row + 1 + retainLineIndex(form)
    }

    private static func retainLineIndex(_ form: PublishForm) -> Int { (form.brokers.isEmpty ? 0 : 1) + 1 + payloadText(form).count + 1 }

    /// The payload's last lines, found from the end: a long paste is not split or escaped whole
    /// on every frame.
    private static func payloadText(_ form: PublishForm) -> [String] {
        let text = form.payload.text
        var lines: [String] = []
        var end = text.endIndex
        while lines.count < payloadLines {
            guard let newline = text[..<end].lastIndex(of: "\n") else {
                lines.append(shown(text[..<end]))
                break
            }
            lines.append(shown(text[text.index(after: newline)..<end]))
            end = newline
        }
        return lines.reversed()
    }

    /// A field's text as drawn: escaped, and no longer than any screen is wide.
    private static func shown(_ text: Substring) -> String {
        TerminalEscaping.escaped(Array(text.prefix(1024).utf8), keepNewlines: false)
    }

    static func lines(_ form: PublishForm) -> [StyledLine] {
        func label(_ text: String, _ field: PublishForm.Field) -> (String, Role) {
            (text.padding(toLength: 9, withPad: " ", startingAt: 0), form.focus == field ? .dialogFocus : .dialog)
        }
        func fieldRole(_ field: PublishForm.Field) -> Role { form.focus == field ? .dialogFocus : .dialogField }
        var out: [StyledLine] = []
        if let broker = form.brokers.first(where: { $0.index == form.broker }) {
            // Several brokers on screen: where it goes comes first.
            out.append(StyledLine([("Broker   ", .dialog), (shown(Substring(broker.name)), .toggleOn),
                                   (broker.isConnected ? "" : "  not connected", .error), ("  (Ctrl-B next broker)", .dim)]))
        }
        out.append(StyledLine([label("Topic", .topic), (shown(Substring(form.topic.text)) + cursor(form, .topic), fieldRole(.topic))]))
        let payload = payloadText(form)
        for (index, line) in payload.enumerated() {
            let isLast = index == payload.count - 1
            out.append(StyledLine([index == 0 ? label("Payload", .payload) : ("         ", .dialog),
                                   (line + (isLast ? cursor(form, .payload) : ""), fieldRole(.payload))]))
        }
        var qos = StyledLine([label("QoS", .qos)])
        for level in 0...2 {
            let chosen = Int(form.qos.rawValue) == level
            qos.append(chosen ? "[\(level)]" : " \(level) ", chosen ? (form.focus == .qos ? .dialogFocus : .toggleOn) : .dialog)
        }
        out.append(qos)
        out.append(StyledLine([
            label("Retain", .retain),
            (form.retain ? "[x] retained" : "[ ] not retained", form.retain ? .toggleOn : .dialog),
            (form.retain ? ": the broker keeps it for new subscribers" : "", .dim), ("  (Ctrl-R)", .dim),
        ]))
        out.append(StyledLine([("[ Send ]", form.focus == .send ? .dialogFocus : .title),
                               ("  Ctrl-S send · Tab next field · Enter in payload: new line · Esc cancel", .dim)]))
        if let message = form.message {
            out.append(StyledLine(message.text, message.isError ? .error : .success))
        }
        return out
    }

    private static func cursor(_ form: PublishForm, _ field: PublishForm.Field) -> String {
        form.focus == field ? "▏" : ""
    }
}
