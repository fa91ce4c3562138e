import Foundation
import MQTT
import Testing
@testable import TopicModel

/// The branch overview: problems first, then temperatures, then the other series, in tree order;
/// counts kept as messages arrive; windows taken without walking what they skip.
@Suite(.timeLimit(.minutes(1)))
struct OverviewTests {
    /// A small home: zigbee JSON sensors, plain numbers with and without units, a stale topic.
    static func home() -> TopicModel {
        var model = TopicModel()
        for (step, time) in [1_800_000_000.0, 1_800_000_060].enumerated() {
            let delta = Double(step) / 10
            model.ingest([
                msg("zigbee2mqtt/bedroom", #"{"temperature": \#(19.5 + delta), "humidity": 48, "battery": 90}"#, at: time),
                msg("zigbee2mqtt/kitchen", #"{"temperature": \#(21.0 + delta), "humidity": 55}"#, at: time),
                msg("home/hall/temperature", "\(20.0 + delta)", at: time),
                msg("home/garage/power", "\(1200 + step)", at: time),
                msg("home/office/climate", "\(22.5 + delta) °C", at: time),
                msg("home/hall/light", "ON", at: time),
            ])
        }
        return model
    }

    static func names(_ overview: BranchOverview) -> [String] {
        overview.rows.map { row in
            switch row {
            case let .stale(topic): return "◷ " + topic.name
            case let .offline(topic): return "✕ " + topic.name
            case let .state(state): return state.topic.name + " " + state.state.word
            case let .series(series): return series.topic.name + (series.field.isEmpty ? "" : " " + series.field)
            }
        }
    }

    @Test func temperaturesComeFirstThenTheRestInTreeOrder() {
        let model = Self.home()
        let overview = model.overview(of: .root, offset: 0, limit: 50)
        #expect(Self.names(overview) == [
            "home/hall/temperature", "home/office/climate", "zigbee2mqtt/bedroom temperature", "zigbee2mqtt/kitchen temperature",
            "home/hall/light ON", "home/garage/power", "zigbee2mqtt/bedroom humidity", "zigbee2mqtt/bedroom battery", "zigbee2mqtt/kitchen humidity",
        ])
        // The light's ON is a state, listed as a word after the temperatures, not a reading.
        #expect(overview.totalRows == 9)
        #expect(model.node(.root).seriesCount == 8 && model.node(.root).stateCount == 1)
        #expect(model.node(.root).temperatureCount == 4)
        // A plain payload's own unit makes it a temperature, and is reported.
        guard case let .series(office) = overview.rows[1] else { Issue.record("not a series"); return }
        #expect(office.unit == "°C")
        #expect(office.kind == .temperature)
        #expect(office.value == 22.6)
        #expect(office.series?.count == 2)
    }

    @Test func namesAreRelativeToTheBranch() {
        let model = Self.home()
        let overview = model.overview(of: model.id("zigbee2mqtt"), offset: 0, limit: 50)
        #expect(Self.names(overview) == ["bedroom temperature", "kitchen temperature", "bedroom humidity", "bedroom battery",
                                         "kitchen humidity"])
    }

    @Test func aWindowSkipsWholeSubtreesAndEndsWhereAsked() {
        let model = Self.home()
        let all = Self.names(model.overview(of: .root, offset: 0, limit: 50))
        for offset in 0...all.count {
            for limit in 0...4 {
                let window = model.overview(of: .root, offset: offset, limit: limit)
                #expect(Self.names(window) == Array(all.dropFirst(offset).prefix(limit)), "offset \(offset) limit \(limit)")
            }
        }
    }

    @Test func problemsComeFirst() {
        var model = Self.home()
        // The hall's temperature speaks every minute, then falls silent.
        for step in 2..<6 { model.ingest(msg("home/hall/temperature", "20", at: 1_800_000_000 + Double(step) * 60)) }
        model.refresh(now: 1_800_010_000)
        let names = Self.names(model.overview(of: .root, offset: 0, limit: 3))
        #expect(names.first == "◷ home/hall/temperature")
        #expect(model.overview(of: .root, offset: 0, limit: 50).problemCount == Int(model.node(.root).staleCount))
    }

    @Test func aDiscoveryUnitMakesASeriesATemperatureAfterTheFact() {
        var model = TopicModel()
        model.ingest([msg("esphome/attic/sensor/probe/state", "18.5"), msg("esphome/attic/sensor/probe/state", "18.6")])
        #expect(model.node(.root).temperatureCount == 0)
        model.ingest(msg("homeassistant/sensor/attic/probe/config",
                         #"{"state_topic": "esphome/attic/sensor/probe/state", "unit_of_measurement": "°C"}"#))
        #expect(model.node(.root).temperatureCount == 1)
        #expect(model.node(model.id("esphome")).seriesCount == 1)
        guard case let .series(probe) = model.overview(of: .root, offset: 0, limit: 1).rows.first else {
            Issue.record("no series")
            return
        }
        #expect(probe.kind == .temperature)
    }

    @Test func countsFollowTheFieldsAPayloadCarries() {
        var model = TopicModel()
        model.ingest(msg("plug", #"{"power": 5}"#))
        #expect(model.node(.root).seriesCount == 1)
        model.ingest(msg("plug", #"{"power": 6, "voltage": 230}"#))
        #expect(model.node(.root).seriesCount == 2)
        // A topic whose only numeric message is replaced by text has no field left.
        model.ingest(msg("status", "12"))
        model.ingest(msg("status", "booting"))
        #expect(model.node(.root).seriesCount == 2)
        // A state word is no reading; the number that follows it is.
        model.ingest(msg("switch", "ON"))
        model.ingest(msg("switch", "OFF"))
        #expect(model.node(.root).seriesCount == 2)
        model.ingest(msg("switch", "42"))
        #expect(model.node(.root).seriesCount == 3 && model.node(.root).stateCount == 0)
        #expect(model.overview(of: .root, offset: 0, limit: 50).rows.count == 3)
        model.ingest(msg("switch", "ON"))
        #expect(model.node(.root).seriesCount == 2 && model.node(.root).stateCount == 1)
        #expect(model.overview(of: .root, offset: 0, limit: 50).rows.count == 3)
    }

    @Test func zigbeeDiscoveryLabelsEachFieldOfOneStateTopic() {
        var model = TopicModel()
        for (object, field, unit) in [("temperature", "temperature", "°C"), ("humidity", "humidity", "%"), ("linkquality", "linkquality", "lqi")] {
            model.ingest(msg("homeassistant/sensor/0x00158d/\(object)/config",
                             #"{"state_topic": "zigbee2mqtt/bedroom", "unit_of_measurement": "\#(unit)", "value_template": "{{ value_json.\#(field) }}"}"#))
        }
        model.ingest(msg("zigbee2mqtt/bedroom", #"{"temperature": 19.1, "humidity": 48, "linkquality": 90}"#))
        let id = model.id("zigbee2mqtt/bedroom")
        #expect(model.unit(of: id, path: "temperature") == "°C")
        #expect(model.unit(of: id, path: "humidity") == "%")
        #expect(model.unit(of: id, path: "linkquality") == "lqi")
        #expect(model.kind(of: id, path: "temperature") == .temperature)
        #expect(model.node(.root).temperatureCount == 1)
        #expect(HomeAssistantDiscovery.jsonField("{{ value_json['AM2301']['Temperature'] | float }}") == "AM2301.Temperature")
        #expect(HomeAssistantDiscovery.jsonField("{{ value }}") == nil)
    }

    @Test func aUnitOnceSeenStaysAndCountsAgreeWithTheList() {
        var model = TopicModel()
        model.ingest([msg("office/probe", "21.5 °C"), msg("office/probe", "21.6 °C")])
        #expect(model.node(.root).temperatureCount == 1)
        // A payload without the unit (a sensor's "unavailable", then a bare number) keeps it.
        model.ingest([msg("office/probe", "unavailable"), msg("office/probe", "21.7")])
        #expect(model.unit(of: model.id("office/probe"), path: "") == "°C")
        #expect(model.node(.root).temperatureCount == 1)
        // A state word, then text, then a number: listed and counted alike at every step.
        for payload in ["ON", "hello", "42", "OFF", "7"] {
            model.ingest(msg("hall/thing", payload))
            let listed = model.overview(of: .root, offset: 0, limit: 50).rows.count
            #expect(listed == Int(model.node(.root).seriesCount + model.node(.root).stateCount), "after \(payload)")
        }
    }

    // MARK: Honest scales

    @Test func kindsComeFromUnitsThenNames() {
        #expect(SeriesKind.of(unit: "°C", name: "x") == .temperature)
        #expect(SeriesKind.of(unit: " °F", name: "x") == .temperature)
        #expect(SeriesKind.of(unit: "%", name: "temperature") == .percentage)
        #expect(SeriesKind.of(unit: "W", name: "temperature") == .other)
        #expect(SeriesKind.of(unit: nil, name: "AM2301.Temperature") == .temperature)
        #expect(SeriesKind.of(unit: nil, name: "living_room_temperature") == .temperature)
        #expect(SeriesKind.of(unit: nil, name: "humidity") == .percentage)
        #expect(SeriesKind.of(unit: nil, name: "battery") == .percentage)
        #expect(SeriesKind.of(unit: nil, name: "power") == .other)
    }

    @Test func aScaleIsAtLeastItsKindsMinimumSpanAboutTheMiddle() {
        let noise = SeriesScale(low: 21.4, high: 21.6, kind: .temperature)
        #expect(abs(noise.low - 20.5) < 1e-9 && abs(noise.high - 22.5) < 1e-9)
        #expect(SeriesScale(low: 40, high: 45, kind: .percentage).high - SeriesScale(low: 40, high: 45, kind: .percentage).low == 10)
        let power = SeriesScale(low: 1000, high: 1010, kind: .other)
        #expect(abs((power.high - power.low) - 50.5) < 1e-9)
        let zero = SeriesScale(low: 0, high: 0, kind: .other)
        #expect(zero.high - zero.low == 1)
        // A wide range stays as it is.
        #expect(SeriesScale(low: 10, high: 30, kind: .temperature) == SeriesScale(low: 10, high: 30, kind: .other))
    }

    @Test func aSparklinesScaleSnapsOutwardToAnEighthOfItsSpan() {
        // 2 degrees: a grid of 0.5, so a maximum creeping up by 0.1 keeps the scale for a while.
        let drifting = (0..<4).map { SeriesScale(low: 20, high: 21.6 + Double($0) / 10, kind: .temperature).snapped() }
        #expect(drifting.allSatisfy { $0.low == 19.5 && $0.high == 22 }, "\(drifting)")
        let wide = SeriesScale(low: 3, high: 239, kind: .other).snapped()
        #expect(wide.low == 0 && wide.high == 250)
        // What it covers, it keeps covering.
        let tiny = SeriesScale(low: 0.0013, high: 0.0021, kind: .other).snapped()
        #expect(tiny.low <= 0.0013 && tiny.high >= 0.0021 && tiny.high - tiny.low < 0.01)
        // At the ends of a Double no grid fits: the range stays as it is, finite.
        for extreme in [SeriesScale(low: 0, high: Double.leastNonzeroMagnitude, kind: .other), SeriesScale(low: 0, high: 1.75e308, kind: .other),
                        SeriesScale(low: -1.75e308, high: 1.75e308, kind: .other)] {
            let snapped = extreme.snapped()
            #expect(snapped.low.isFinite && snapped.high.isFinite && snapped.low <= extreme.low && snapped.high >= extreme.high, "\(extreme) → \(snapped)")
        }
    }

    @Test func aSparklineKeepsItsScaleWhileItsValuesFitAndTakesRoomWhenTheyLeave() {
        let drawn = SeriesScale(low: 20, high: 21.2, kind: .temperature).snapped()
        // Values still inside what was drawn: the scale stays, though a fresh one would move.
        let drifted = SeriesScale(low: 20.3, high: 21.8, kind: .temperature)
        #expect(drifted.snapped() != drawn)
        #expect(drifted.holding(drawn, data: 20.3...21.8) == drawn)
        // Left above: the new scale covers them with a quarter of its span more room above.
        let risen = SeriesScale(low: 20.3, high: 22.4, kind: .temperature)
        let moved = risen.holding(drawn, data: 20.3...22.4)
        #expect(moved.low <= 20.3 && moved.high >= 22.4 + (22.4 - 20.3) / 4, "\(moved)")
        // A scale more than twice what the values need (a spike that left the ring) is let go.
        let spiked = SeriesScale(low: 0, high: 100, kind: .other)
        #expect(SeriesScale(low: 40, high: 50, kind: .other).holding(spiked, data: 40...50) == SeriesScale(low: 40, high: 50, kind: .other).snapped())
        // Nothing drawn before: the snapped scale; and no grid at the ends of a Double.
        #expect(risen.holding(nil, data: 20.3...22.4) == risen.snapped())
        let huge = SeriesScale(low: -1.75e308, high: 1.75e308, kind: .other)
        let held = huge.holding(SeriesScale(low: 0, high: 1, kind: .other), data: -1.75e308...1.75e308)
        #expect(held.low.isFinite && held.high.isFinite)
    }

    @Test func aDriftingLineIsRedrawnWholeLessOftenWhenItsScaleHolds() {
        var scratch: [SparkBucket] = []
        // A temperature rising 0.1 a point for 24 points, drawn after each on 24 cells (one
        // point a cell), keeping its scale from line to line or not.
        func redrawnWhole(holding: Bool) -> Int {
            var series = TimeSeries()
            var scale: SeriesScale?
            var lines: [String] = []
            for index in 0..<24 {
                series.append(20 + Double(index) / 10, at: Double(index))
                if !holding { scale = nil }
                lines.append(Sparkline.render(series, width: 24, kind: .temperature, scratch: &scratch, scale: &scale))
            }
            // A line that is the one before with one more cell was not redrawn whole.
            return zip(lines, lines.dropFirst()).filter { before, after in zip(before, after).filter { $0 != $1 }.count > 1 }.count
        }
        let held = redrawnWhole(holding: true), fresh = redrawnWhole(holding: false)
        #expect(held <= 1 && fresh >= 3, "held \(held), fresh \(fresh)")
    }

    @Test func noiseOnATemperatureDrawsAsAFlatLine() {
        var series = TimeSeries()
        for (index, value) in [21.4, 21.6, 21.4, 21.6, 21.5].enumerated() { series.append(value, at: Double(index)) }
        var scratch: [SparkBucket] = []
        let line = Sparkline.render(series, width: 5, kind: .temperature, scratch: &scratch)
        // 0.2 degrees on a 2-degree scale: the middle rows, not bottom-to-top.
        #expect(line.allSatisfy { "▄▅".contains($0) }, "\(line)")
        let other = Sparkline.render(series, width: 5, kind: .other, scratch: &scratch)
        #expect(other.allSatisfy { "▄▅".contains($0) }, "\(other)")
    }
}
