/// The publish dialog: topic, payload, QoS, the retain toggle and Send.
///
///     Topic    home/kitchen/heater/set
///     Payload  ON
///     QoS      [0] 1 2
///     Retain   [x] retain: the broker keeps this value for new subscribers   (Ctrl-R)
///     [ Send ]  Ctrl-S send · Tab next field · Esc cancel
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

    private static func retainLineIndex(_ form: PublishForm) -> Int { 1 + payloadText(form).count + 1 }

    private static func payloadText(_ form: PublishForm) -> [String] {
        let all = form.payload.text.split(separator: "\n", omittingEmptySubsequences: false).map {
            TerminalEscaping.escaped(Array($0.utf8), keepNewlines: false)
        }
        return Array(all.suffix(payloadLines))
    }

    static func lines(_ form: PublishForm) -> [StyledLine] {
        func label(_ text: String, _ field: PublishForm.Field) -> (String, Role) {
            (text.padding(toLength: 9, withPad: " ", startingAt: 0), form.focus == field ? .dialogFocus : .dialog)
        }
        func fieldRole(_ field: PublishForm.Field) -> Role { form.focus == field ? .dialogFocus : .dialogField }
        var out: [StyledLine] = []
        out.append(StyledLine([label("Topic", .topic), (TerminalEscaping.escaped(Array(form.topic.text.utf8), keepNewlines: false) + cursor(form, .topic), fieldRole(.topic))]))
        for (index, line) in payloadText(form).enumerated() {
            let isLast = index == payloadText(form).count - 1
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
