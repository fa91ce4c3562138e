import TopicModel
import TextFormat

/// A branch at a glance, in the detail pane: problems first, then room temperatures, what devices
/// are doing, the other readings, and last what devices say of themselves (signal, supply, a
/// chip's temperature), dim.
///
///     home
///     42 topics · 2 problems · 6 temperatures · 5 states · 14 readings · 8 internal
///     ◷ hall/temperature                 silent 12m
///     ✕ tele/garage_plug                 offline
///       bedroom          19.6 °C ▁▂▃▄▅▆▇███▇▆▅▄▃▂▁▁▂▃▄▅▆▇ 18.9–21.2 <1m
///       bedroom_light        OFF · 180 brightness                 <1m
enum OverviewView {
    // Columns: marker 2, name, value 8 (right-aligned), space, sparkline, space, range 9, age 4
    // (right-aligned, so a space before it).
    static let valueWidth = 8
    static let rangeWidth = 9
    static let ageWidth = 4
    static let fixedWidth = 2 + valueWidth + 1 + 1 + rangeWidth + ageWidth
    static let minimumSparkline = 8

    /// The name column: what a 24-cell sparkline leaves, between 12 and 28 cells (21 at 120x40).
    /// Names led by their broker's (`cabin/…`) take 8 cells more from the sparkline, up to 36.
    static func nameWidth(contentWidth: Int, ledByBroker: Bool = false) -> Int {
        ledByBroker ? max(12, min(36, contentWidth - fixedWidth - 16)) : max(12, min(28, contentWidth - fixedWidth - 24))
    }

    /// The sparkline takes what the other columns leave: 24 cells at 120x40.
    static func sparklineWidth(contentWidth: Int, ledByBroker: Bool = false) -> Int {
        max(minimumSparkline, contentWidth - nameWidth(contentWidth: contentWidth, ledByBroker: ledByBroker) - fixedWidth)
    }

    static func lines(_ overview: DashboardFrame.Overview, width: Int, now: Double, focused: Bool) -> [StyledLine] {
        let title = overview.path.isEmpty ? "all topics" : TerminalEscaping.escaped(Array(overview.path.utf8), keepNewlines: false)
        func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
        // In the order of the rows, problems first so that a narrow pane never cuts them.
        var counts = count(overview.topicCount, "topic")
        // Under a filter, the same count as the tree's and the footer's.
        if let matching = overview.matchingTopics { counts = "\(matching) of \(count(overview.topicCount, "topic")) match" }
        // A broker that is down is a problem too.
        let problems = overview.problemCount + overview.brokerProblems.count
        if problems > 0 { counts += " · " + count(problems, "problem") }
        counts += " · " + count(overview.temperatureCount, "temperature")
        if overview.stateCount > 0 { counts += " · " + count(overview.stateCount, "state") }
        counts += " · " + count(overview.otherReadingCount, "reading")
        if overview.internalCount > 0 { counts += " · \(overview.internalCount) internal" }
        // The title, the counts and the third line (a branch's traffic, or the brokers that are down)
        // take one line each, cut with "…" (the rows below are placed by that); a branch that is an
        // offline device says so on the first.
        var heading = StyledLine(DisplayWidth.truncate(title, cells: width), .title)
        if let filter = overview.treeFilter {
            // The tree shows only the filter's topics; the overview shows the branch it starts in.
            let room = width - DisplayWidth.of(heading.text) - 2
            heading.append("  " + DisplayWidth.truncate("(the tree is filtered: \(TerminalEscaping.escaped(Array(filter.utf8), keepNewlines: false)))", cells: max(1, room)), .dim)
        }
        if !overview.offlineSources.isEmpty {
            let sources = overview.offlineSources.map { TerminalEscaping.escaped(Array($0.utf8), keepNewlines: false) }
            let room = width - DisplayWidth.of(heading.text) - 2
            heading.append("  " + DisplayWidth.truncate("✕ device offline, as \(sources.joined(separator: ", ")) says", cells: max(1, room)), .offline)
        }
        var out = [heading, StyledLine(DisplayWidth.truncate(counts, cells: width), .dim)]
        if overview.hasThirdLine { out.append(thirdLine(overview, width: width, now: now)) }
        out += alertLines(overview.alerts, width: width, now: now)
        if overview.totalRows == 0 {
            out.append(StyledLine("  nothing numeric below yet", .dim))
            return out
        }
        let nameWidth = nameWidth(contentWidth: width, ledByBroker: overview.namesLedByBroker)
        for (offset, line) in overview.lines.enumerated() {
            let highlighted = focused && overview.scroll + offset == overview.cursor
            out.append(self.line(line, width: width, nameWidth: nameWidth, sparkWidth: overview.sparklineWidth, now: now, highlighted: highlighted))
        }
        return out
    }

    /// A branch's traffic; on the whole screen (whose rate the header gives) the brokers that are
    /// down, which come before everything else. A line that changed with every message on the
    /// first screen would cost a steady home a kilobyte a second of output.
    private static func thirdLine(_ overview: DashboardFrame.Overview, width: Int, now: Double) -> StyledLine {
        guard overview.path.isEmpty else {
            return StyledLine(DisplayWidth.truncate(DetailPane.trafficLine(overview.traffic, of: overview.brokerTraffic, now: now, since: overview.watchingSince), cells: width), .dim)
        }
        // Short, so that every broker that is down fits: its row has the whole story.
        let down = overview.brokerProblems.map {
            "✖ \(TerminalEscaping.escaped(Array($0.name.utf8), keepNewlines: false)) \(HeaderView.shortPhase($0.status, now: now))"
        }
        return StyledLine(DisplayWidth.truncate(down.joined(separator: " · "), cells: width), .error)
    }

    /// Firing rules, critical first, above every row: at most `alertLineLimit` lines, the last
    /// summing up the rest.
    static func alertLines(_ alerts: [DashboardFrame.Alerts.Firing], width: Int, now: Double) -> [StyledLine] {
        let limit = DashboardFrame.Overview.alertLineLimit
        let shown = alerts.count > limit ? alerts.prefix(limit - 1) : alerts.prefix(limit)
        var lines = shown.map { alert in
            let role: Role = alert.severity == .critical ? .error : .stale
            let since = " " + ValueFormat.age(now - alert.since)
            let what = TerminalEscaping.escaped(Array((alert.rule + ": " + alert.topic + (alert.value.map { " " + $0 } ?? "")).utf8), keepNewlines: false)
            let cells = max(1, width - 2 - DisplayWidth.of(since))
            return StyledLine([("⚠ ", role), (pad(DisplayWidth.truncate(what, cells: cells), cells, right: false), role), (since, .dim)])
        }
        if alerts.count > shown.count {
            lines.append(StyledLine("⚠ \(alerts.count - shown.count) more firing: a lists the rules", .stale))
        }
        return lines
    }

    private static func line(_ line: DashboardFrame.Overview.Line, width: Int, nameWidth: Int, sparkWidth: Int, now: Double,
                             highlighted: Bool) -> StyledLine {
        let nameRole: Role = highlighted ? .selected : .leaf
        // A problem row has no value or sparkline: its topic takes the width its words leave.
        func problem(_ marker: String, _ topic: String, _ words: String, _ role: Role) -> StyledLine {
            let cells = max(nameWidth, width - 2 - DisplayWidth.of(words))
            return StyledLine([(marker, role), (name(topic, field: "", cells: cells), nameRole), (words, role)])
        }
        switch line.row {
        case let .stale(topic):
            return problem("◷ ", topic.name, " silent " + age(now - topic.time), .stale)
        case let .offline(topic):
            return problem("✕ ", topic.name, " offline", .offline)
        case let .state(state):
            // The word where values stand, the telling reading where a sparkline would be.
            let word = TerminalEscaping.escaped(Array(state.state.word.utf8), keepNewlines: false)
            let reading = state.reading.map { " · " + ReadingText(value: $0.value, unit: $0.unit, path: $0.path, digits: 1).full } ?? ""
            let (path, _) = readingName(state.topic.name, field: "", kind: .other)
            let rest = pad(reading, 1 + sparkWidth + 1 + rangeWidth, right: false)
            return StyledLine([
                (state.isStale ? "◷ " : "  ", .stale),
                (name(path, field: "", cells: nameWidth), nameRole),
                (pad(word, valueWidth, right: true), state.state.isActive == false ? .dim : .value),
                (rest, .dim),
                (pad(age(now - state.topic.time), ageWidth, right: true), .dim),
            ])
        case let .series(series):
            let unit = series.unit.map { " " + TerminalEscaping.escaped(Array($0.utf8), keepNewlines: false) } ?? ""
            // Small values keep two decimals (0.49 A, a power factor of 0.81).
            let valueText = ValueFormat.short(series.value, digits: abs(series.value) < 1 ? 2 : 1) + unit
            // A value wider than its column ("1012.3 hPa") takes the cells from the name, never
            // from its unit; one that fills it ("101.1 °F") takes one, to stay apart.
            let over = max(0, DisplayWidth.of(valueText) - valueWidth)
            let value = pad(valueText, valueWidth + over, right: true)
            let full = DisplayWidth.of(valueText) >= valueWidth
            let spark = line.sparkline ?? String(repeating: " ", count: sparkWidth)
            // Home Assistant discovery's name, when it gives one, less the word the section says.
            // A device's own readings keep their whole name: `device_temperature` is no room's.
            let nameKind: SeriesKind = series.role == .deviceInternal ? .other : series.kind
            let (path, field) = series.label.map { (labelName($0, kind: nameKind), "") }
                ?? readingName(series.topic.name, field: series.field, kind: nameKind)
            let role: Role = highlighted ? nameRole : series.role == .deviceInternal ? .dim : nameRole
            return StyledLine([
                (series.isStale ? "◷ " : "  ", .stale),
                (full ? name(path, field: field, cells: nameWidth - 1 - over) + " " : name(path, field: field, cells: nameWidth - over), role),
                (value + " ", .value),
                (spark, .sparkline),
                // The range (the least and most of the points held) in the sparkline's colours: a
                // steady home's every update moves both, and one colour for the two costs no
                // attribute change between them.
                (" " + pad(series.series?.summary.map { range(min: $0.min, max: $0.max) } ?? "", rangeWidth, right: false), .sparkline),
                (pad(age(now - series.topic.time), ageWidth, right: true), .dim),
            ])
        }
    }

    /// The minimum and maximum shown, "18.6–21.4", without decimals when that is too wide for
    /// the column ("99–101"); one value when they are the same.
    static func range(min: Double, max: Double) -> String {
        func text(_ digits: Int) -> String {
            let low = ValueFormat.short(min, digits: digits), high = ValueFormat.short(max, digits: digits)
            return low == high ? low : low + "–" + high
        }
        let precise = text(1)
        return DisplayWidth.of(precise) <= rangeWidth ? precise : text(0)
    }

    /// Levels that name no device: the conventions' own words (`tele/x/SENSOR`,
    /// `esphome/x/sensor/y/state`, `zigbee2mqtt/x`), dropped from reading names.
    static let genericLevels: Set<String> = [
        "state", "status", "sensor", "sensors", "tele", "stat", "rpc", "events", "event", "get", "value", "values", "data",
        "attributes", "json", "zigbee2mqtt", "esphome", "homeassistant", "shellies", "tasmota",
    ]

    /// A reading's name, shortest first: the levels that name its device, less the conventions'
    /// words, and in the temperatures less the word "temperature" itself and a unit in a field's
    /// name (Shelly's `tC`: its `tF` twin is not listed). Never empty: when nothing else is left the
    /// dropped words come back (a branch's own `sensor/temperature/state` reads "temperature").
    static func readingName(_ path: String, field: String, kind: SeriesKind) -> (path: String, field: String) {
        func repeatsKind(_ word: Substring) -> Bool {
            let bare = (word.split(separator: ":").first ?? word).lowercased()
            return kind == .temperature
                && (bare == "temperature" || bare == "temp" || bare.hasSuffix("_temperature") || bare == "tc" || bare == "tf")
        }
        let levels = path.split(separator: "/", omittingEmptySubsequences: false)
        let named = levels.filter { !$0.isEmpty && !genericLevels.contains($0.lowercased()) }
        let kept = named.filter { !repeatsKind($0) }
        let fieldParts = field.split(separator: ".")
        let keptField = fieldParts.filter { !repeatsKind($0) }
        let fieldText = (keptField.isEmpty && kept.isEmpty ? fieldParts : keptField).joined(separator: ".")
        let name = !kept.isEmpty ? kept.joined(separator: "/") : !named.isEmpty && fieldText.isEmpty ? named.joined(separator: "/")
            : fieldText.isEmpty ? String(levels.last ?? "") : ""
        return (name, fieldText)
    }

    /// A discovery name in the overview: "Attic Temperature" reads "Attic" among the temperatures.
    static func labelName(_ label: String, kind: SeriesKind) -> String {
        let words = label.split(separator: " ")
        let kept = words.filter { kind != .temperature || !["temperature", "temp"].contains($0.lowercased()) }
        return (kept.isEmpty ? words : kept).joined(separator: " ")
    }

    /// An age to the minute ("<1m", "5m", "2h"): the overview's many ages then change at most
    /// once a minute each, and a quiet screen writes almost nothing.
    static func age(_ seconds: Double) -> String {
        seconds < 60 ? "<1m" : ValueFormat.age(seconds, compact: true)
    }

    /// The path and field in `cells`, padded; "." for the branch itself.
    ///
    /// What does not fit is cut from the middle of the path, so both ends stay: devices often
    /// share an end (`bedroom_light`, `living_room_light`) or a start, and the field stays whole
    /// while it leaves the path four cells.
    static func name(_ path: String, field: String, cells: Int) -> String {
        func escaped(_ text: String) -> String { TerminalEscaping.escaped(Array(text.utf8), keepNewlines: false) }
        // The branch itself is "."; a field of it reads as the field alone.
        if path.isEmpty, !field.isEmpty { return pad(DisplayWidth.middle(escaped(field), cells: cells), cells, right: false) }
        let topic = escaped(path.isEmpty ? "." : path), shownField = escaped(field)
        let fieldCells = shownField.isEmpty ? 0 : DisplayWidth.of(shownField) + 1
        let text = cells - fieldCells >= 4
            ? DisplayWidth.middle(topic, cells: cells - fieldCells) + (shownField.isEmpty ? "" : " " + shownField)
            : DisplayWidth.middle(shownField.isEmpty ? topic : topic + " " + shownField, cells: cells)
        return pad(text, cells, right: false)
    }

    private static func pad(_ text: String, _ cells: Int, right: Bool) -> String {
        let cut = DisplayWidth.truncate(text, cells: cells)
        let fill = String(repeating: " ", count: max(0, cells - DisplayWidth.of(cut)))
        return right ? fill + cut : cut + fill
    }
}
