import TopicModel
import TextFormat

/// The topic tree: one line per row, with the retained marker in the first column and the
/// liveness marker (◷ stale, ✕ offline device) in the second, counts on branches, an optional
/// age column (`t`), and a value preview and sparkline on topics. Inside an offline device
/// everything is dim.
///
///     ◉  ▾ kitchen (3) 1◷
///     ◉◷     temperature          3m    21.5 °C ▁▂▃▅▆▇
///     ◎      light                4s       "ON"
///      ✕ ▸ tele/garage_plug (4) ✕ offline
///
/// With several brokers the first level is one row per broker, with its connection after its
/// counts; the topics of a broker that is down are dim and marked ↯ unreachable, never stale.
///
///        ▾ cabin (2) 2◉  ↻ reconnecting in 4 s (down 1m): connection refused
///     ◉↯     temperature          19
enum TreePane {
    /// The age column: "59s", "12m", "23h", "365d", and a space.
    static let ageWidth = 5

    /// Sparklines shrink, then go, as the pane narrows.
    static func sparklineWidth(for paneWidth: Int) -> Int {
        paneWidth >= 70 ? 12 : paneWidth >= 46 ? 8 : 0
    }

    static func valueWidth(for paneWidth: Int) -> Int {
        paneWidth >= 70 ? 18 : paneWidth >= 46 ? 14 : 8
    }

    static func draw(_ frame: DashboardFrame, on canvas: inout some Canvas) {
        let rect = frame.layout.tree
        for line in 0..<rect.height {
            let row = rect.row + line
            canvas.fill(row: row, column: rect.column, width: rect.width, role: .text)
            guard line < frame.rows.count else { continue }
            drawRow(frame.rows[line], row: row, rect: rect, focused: frame.focus == .tree, time: frame.now, since: frame.watchingSince,
                    column: keyColumn(frame.order, ages: frame.showsAges), on: &canvas)
        }
        if frame.rows.isEmpty {
            let waiting = frame.filter == nil ? "waiting for messages…" : "no topic matches the filter \(frame.filter ?? "")"
            canvas.write("  " + waiting, row: rect.row, column: rect.column, width: rect.width, role: .dim)
        }
    }

    /// Draws one row; `ages` is the time to measure ages from, when the age column is on.
    /// What the column before the values shows: the traffic order's key, else ages with `t`.
    enum KeyColumn { case none, age, messageRate, byteRate }

    static func keyColumn(_ order: TreeOrder, ages: Bool) -> KeyColumn {
        switch order {
        case .messageRate: return .messageRate
        case .byteRate: return .byteRate
        case .lastChange: return .age
        case .name: return ages ? .age : .none
        }
    }

    /// A row's text in the key column: "59s", "12/s", "1.2 kB/s".
    static func keyText(_ tree: TreeRow, _ column: KeyColumn, now: Double, since: Double?) -> String? {
        switch column {
        case .none: return nil
        // A topic shows its last message's age (a branch that is also a topic too); other
        // branches the freshest below.
        case .age: return ValueFormat.age(now - (tree.topic?.time ?? tree.newest), compact: true)
        case .messageRate: return ValueFormat.short(tree.traffic.messageRate(now: now, since: since), digits: 1) + "/s"
        case .byteRate: return ValueFormat.bytes(Int(tree.traffic.byteRate(now: now, since: since))) + "/s"
        }
    }

    private static func drawRow(_ item: DashboardFrame.Row, row: Int, rect: Rect, focused: Bool, time: Double, since: Double?,
                                column keyColumn: KeyColumn,
                                on canvas: inout some Canvas) {
        let tree = item.tree
        let dim = tree.isInsideOfflineDevice || item.isUnreachable
        let nameRole: Role = item.isSelected ? (focused ? .selected : .match) : dim ? .dim : (tree.hasChildren ? .branch : .leaf)
        var column = rect.column
        let end = rect.column + rect.width
        // Column 0: the retained marker; column 1: stale or offline. Glyphs, so they do not rely on colour.
        if let summary = tree.topic, let glyph = RetainedMarker.glyph(summary.retained) {
            canvas.write(glyph, row: row, column: column, width: 1, role: markerRole(summary.retained))
        }
        if item.isUnreachable, tree.topic != nil {
            canvas.write("↯", row: row, column: column + 1, width: 1, role: .dim)
        } else if let (glyph, role) = livenessMarker(tree) {
            canvas.write(glyph, row: row, column: column + 1, width: 1, role: role)
        }
        column += 2
        column += canvas.write(String(repeating: "  ", count: min(tree.depth, 20)), row: row, column: column, role: .text)
        let expander = tree.hasChildren ? (tree.isExpanded ? "▾ " : "▸ ") : "  "
        column += canvas.write(expander, row: row, column: column, role: .counts)

        // The right side of a topic: its value right-aligned in the value column, then its
        // sparkline. A device's state reads as one text over both ("OFF · 180 brightness"): a
        // graph of a switch says little.
        let sparkWidth = sparklineWidth(for: rect.width)
        let valueWidth = valueWidth(for: rect.width)
        let valueEnd = end - (sparkWidth > 0 ? sparkWidth + 1 : 0)
        var right = "", rightRole: Role = .value, rightEnd = valueEnd
        if let summary = tree.topic {
            (right, rightRole) = value(summary, unit: summary.unit, width: valueWidth)
            right = DisplayWidth.truncate(right, cells: valueWidth)
            if let state = summary.state, summary.retained != .cleared {
                let room = end - valueEnd + valueWidth
                right += stateReading(state, summary, unit: summary.unit, width: room - DisplayWidth.of(right)) ?? ""
                rightEnd = end
            }
            if dim { rightRole = .dim }
        }
        // Names take the cells the value leaves; the age column lines up on every row, branches
        // included, unless a name needs its room: then the age moves right, next to the value.
        let valueStart = tree.topic == nil ? end + 1 : rightEnd - DisplayWidth.of(right)
        var name = TerminalEscaping.escaped(Array(tree.name.utf8), keepNewlines: false)
        if name.isEmpty { name = "∅" }  // an empty level (a//b, a leading /)
        let counts = tree.hasChildren || item.link != nil ? self.counts(tree) : ""
        // A broker's row: its link after its counts, in the pane's colours (the header's are bars).
        let link = item.link.map { link -> (String, Role) in
            let (text, role) = HeaderView.phase(link, now: time)
            return ("  " + text, role == .connected ? .success : role == .failed ? .error : .stale)
        }
        let wanted = DisplayWidth.of(name) + DisplayWidth.of(counts) + DisplayWidth.of(link?.0 ?? "")
        var age: (text: String, column: Int)?
        if let text = keyText(tree, keyColumn, now: time, since: since) {
            let shown = DisplayWidth.of(text)
            let aligned = valueEnd - valueWidth - 1 - shown
            // A branch has no value: its rate lines up with the other branches' at the right edge.
            let branchRate = tree.topic == nil && keyColumn != .age
            age = (text, branchRate ? max(column + wanted + 1, end - shown) : max(aligned, min(valueStart - 1 - shown, column + wanted + 1)))
        }
        let nameRoom = max(0, (age.map { $0.column } ?? valueStart) - 1 - column)
        let shownName = DisplayWidth.truncate(name, cells: nameRoom)
        column += canvas.write(shownName, row: row, column: column, width: nameRoom, role: nameRole)
        if !counts.isEmpty {
            column += canvas.write(counts, row: row, column: column, width: max(0, nameRoom - DisplayWidth.of(shownName)),
                                   role: tree.isOfflineDevice ? .offline : .counts)
        }
        if let (text, role) = link {
            column += canvas.write(text, row: row, column: column, width: max(0, nameRoom - DisplayWidth.of(shownName) - DisplayWidth.of(counts)),
                                   role: role)
        }
        if let age {
            let role: Role = keyColumn != .age ? .counts : tree.topic?.isStale == true ? .stale : .dim
            canvas.write(age.text, row: row, column: age.column, width: DisplayWidth.of(age.text), role: role)
        }
        guard tree.topic != nil else { return }
        let sparkline = rightEnd == valueEnd && sparkWidth > 0 ? item.sparkline : nil
        // The cell before a sparkline is a blank in the value's colours: it looks as any blank
        // does, and ncurses then writes across it without resetting attributes for it (a steady
        // home's every update crosses it).
        let gap = sparkline == nil ? "" : " "
        canvas.write(right + gap, row: row, column: valueStart, width: rightEnd - valueStart + gap.count, role: rightRole)
        if let sparkline {
            canvas.write(sparkline, row: row, column: valueEnd + 1, width: sparkWidth, role: .sparkline)
        }
    }

    /// A branch's counts after its name: " (12) 3◉ 1◷ 2✕".
    private static func counts(_ tree: TreeRow) -> String {
        var counts = " (\(tree.topicCount))"
        if tree.retainedCount > 0 { counts += " \(tree.retainedCount)◉" }
        if tree.staleCount > 0 { counts += " \(tree.staleCount)◷" }
        if tree.isOfflineDevice {
            counts += " ✕ offline"
        } else if tree.offlineCount > 0 {
            counts += " \(tree.offlineCount)✕"
        }
        return counts
    }

    static func markerRole(_ state: RetainedState) -> Role {
        switch state {
        case .none, .shown: return .retainedShown
        case .held: return .retainedHeld
        case .cleared: return .retainedCleared
        case .gone: return .retainedGone
        }
    }

    /// The second column's glyph: an offline device (or an availability topic saying offline),
    /// else a stale topic.
    static func livenessMarker(_ row: TreeRow) -> (String, Role)? {
        if row.isOfflineDevice || row.topic?.announcesOffline == true { return ("✕", .offline) }
        if row.topic?.isStale == true { return ("◷", .stale) }
        return nil
    }

    /// A topic's short value in `width` cells: the primary number with its unit, else the start of
    /// the payload.
    static func value(_ summary: TopicSummary, unit rawUnit: String?, width: Int) -> (String, Role) {
        let unit = rawUnit.map { TerminalEscaping.escaped(Array($0.utf8), keepNewlines: false) }
        let role: Role = summary.retained == .held ? .live : .value
        if summary.retained == .cleared { return ("cleared", .retainedCleared) }
        if let state = summary.state { return (TerminalEscaping.escaped(Array(state.word.utf8), keepNewlines: false), role) }
        // State words (ON, open, online) read better as themselves than as 1 or 0.
        let isWord = summary.primaryPath == "" && summary.preview.first.map { Character(Unicode.Scalar($0)).isLetter } == true
        if summary.primaryPath == "", !isWord, let text = plainText(summary.preview), DisplayWidth.of(text) <= width {
            // A plain number reads as it was sent ("22.0", "19.5 °C"), with the discovery unit
            // when the payload has none.
            let withUnit = NumberExtractor.plainUnit(in: summary.preview) == nil ? text + (unit.map { " " + $0 } ?? "") : text
            return (DisplayWidth.of(withUnit) <= width ? withUnit : text, role)
        }
        if let number = summary.primaryValue, !isWord {
            let reading = ValueFormat.short(number) + (unit.map { " " + $0 } ?? "")
            // A field other than the temperature is named ("brightness 180"); the name gives way
            // first when the column is narrow, the number never.
            let path = summary.primaryPath ?? ""
            let room = width - DisplayWidth.of(reading) - 1
            guard !path.isEmpty, !SeriesSet.isTemperature(path), room >= 3 else { return (reading, role) }
            let name = path.split(separator: ".").last.map(String.init) ?? path
            return (DisplayWidth.truncate(name, cells: room) + " " + reading, role)
        }
        if summary.size == 0 { return ("(empty)", .dim) }
        guard let text = ValueFormat.decoded(summary.preview, truncated: summary.preview.count < summary.size) else {
            return ("\(ValueFormat.bytes(summary.size)) binary", .dim)
        }
        if let field = leadingField(text) { return (TerminalEscaping.escaped(Array(field.utf8), keepNewlines: false), role) }
        return (TerminalEscaping.escaped(Array(text.utf8), keepNewlines: false), role)
    }

    /// What follows a device's state when it fits in `width`: its most telling reading,
    /// " · 180 brightness", " · 41.5 W". A reading of the device itself (its signal) is left out.
    static func stateReading(_ state: DeviceState, _ summary: TopicSummary, unit: String?, width: Int) -> String? {
        guard let number = summary.primaryValue, let path = summary.primaryPath, !summary.primaryIsInternal,
              path.caseInsensitiveCompare(state.key) != .orderedSame else { return nil }
        let reading = ReadingText(value: number, unit: unit, path: path)
        return [reading.full, reading.short].map { " · " + $0 }.first { DisplayWidth.of($0) <= width }
    }

    /// A short plain payload, trimmed: the number as sent.
    private static func plainText(_ preview: [UInt8]) -> String? {
        guard preview.count <= 24, let text = String(validating: preview, as: UTF8.self) else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return DisplayWidth.isSafe(trimmed) ? trimmed : nil
    }

    /// The keys whose value says what a device is doing, in the order they are preferred.
    static let leadingKeys = ["state", "status", "action", "contact", "occupancy", "presence", "value", "mode"]

    /// A JSON object's most telling field as "state on", so a preview does not start with `{"`.
    static func leadingField(_ text: String) -> String? {
        guard text.first == "{" else { return nil }
        for key in leadingKeys {
            guard let range = text.range(of: "\"\(key)\"", options: .caseInsensitive) else { continue }
            var rest = text[range.upperBound...].drop { $0 == " " }
            guard rest.first == ":" else { continue }
            rest = rest.dropFirst().drop { $0 == " " }
            if rest.first == "\"" {
                let value = rest.dropFirst().prefix { $0 != "\"" }
                return "\(key) \(value)"
            }
            let value = rest.prefix { $0 != "," && $0 != "}" && $0 != " " }
            if !value.isEmpty { return "\(key) \(value)" }
        }
        return nil
    }
}
