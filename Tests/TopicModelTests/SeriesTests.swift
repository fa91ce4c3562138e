import MQTT
import Testing
@testable import TopicModel

/// Numbers from the payload shapes real homes send.
@Suite(.timeLimit(.minutes(3))) struct SeriesTests {
    @Test func zigbee2mqttTemperatureIsPrimary() {
        var model = TopicModel()
        model.ingest(msg("zigbee2mqtt/hall sensor", #"{"battery":97,"humidity":48.2,"linkquality":120,"temperature":21.7}"#))
        #expect(model.primary(of: model.id("zigbee2mqtt/hall sensor"))?.path == "temperature")
        #expect(model.primary(of: model.id("zigbee2mqtt/hall sensor"))?.value == 21.7)
        model.ingest(msg("zigbee2mqtt/hall sensor", #"{"battery":97,"humidity":48.0,"linkquality":118,"temperature":21.9}"#))
        let series = model.record("zigbee2mqtt/hall sensor")?.series
        #expect(series?.paths == ["battery", "humidity", "linkquality", "temperature"])
        #expect(series?.series(at: "temperature")?.recent.map(\.value) == [21.7, 21.9])
    }

    @Test func tasmotaShellyAndESPHomeShapes() {
        var model = TopicModel()
        model.ingest(msg("tele/plug1/SENSOR", #"{"Time":"2026-11-26T10:00:00","AM2301":{"Temperature":24.6,"Humidity":71.0},"TempUnit":"C"}"#))
        #expect(model.primary(of: model.id("tele/plug1/SENSOR"))?.path == "AM2301.Temperature")
        model.ingest(msg("shellyplus1-a8032ab1/status/switch:0", #"{"id":0,"apower":8.3,"temperature":{"tC":48.9,"tF":120.0}}"#))
        // A relay's chip temperature is the device's own: its power is what it tells.
        #expect(model.primary(of: model.id("shellyplus1-a8032ab1/status/switch:0"))?.path == "apower")
        model.ingest(msg("esp-hall/sensor/humidity/state", "51.2"))
        #expect(model.primary(of: model.id("esp-hall/sensor/humidity/state"))?.path == "")
        #expect(model.primary(of: model.id("esp-hall/sensor/humidity/state"))?.value == 51.2)
        model.ingest(msg("esp-hall/binary_sensor/door/state", "ON"))
        #expect(model.primary(of: model.id("esp-hall/binary_sensor/door/state"))?.value == 1)
        model.ingest(msg("esp-hall/status", "online"))
        #expect(model.primary(of: model.id("esp-hall/status"))?.value == 1)
        model.ingest(msg("power/meter", #"{"watts":230,"volts":231.5}"#))
        // No temperature-like key and two fields: the first one.
        #expect(model.primary(of: model.id("power/meter"))?.path == "watts")
    }

    @Test func theUsersChoiceWins() {
        var model = TopicModel()
        model.ingest(msg("zigbee2mqtt/x", #"{"humidity":40,"temperature":20}"#))
        let id = model.id("zigbee2mqtt/x")
        #expect(model.primary(of: id, chosen: "humidity")?.path == "humidity")
        #expect(model.primary(of: id, chosen: nil)?.path == "temperature")
        // A choice the topic does not have falls back to the automatic one.
        #expect(model.primary(of: id, chosen: "pressure")?.path == "temperature")
    }

    @Test func homeAssistantDiscoveryLabelsTheStateTopicInEitherOrder() {
        var model = TopicModel()
        // Config after the state.
        model.ingest(msg("esp/sensor/t/state", "21.4"))
        model.ingest(msg("homeassistant/sensor/esp/t/config",
                         #"{"name":"Hall temperature","state_topic":"esp/sensor/t/state","unit_of_measurement":"°C","device_class":"temperature"}"#,
                         retain: true))
        #expect(model.label(for: model.id("esp/sensor/t/state")) ==
            SeriesLabel(unit: "°C", deviceClass: "temperature", name: "Hall temperature"))
        // Config before the state, with abbreviations and a base topic.
        model.ingest(msg("homeassistant/sensor/h/config",
                         #"{"~":"home/h","stat_t":"~/hum","unit_of_meas":"%","dev_cla":"humidity","name":"H"}"#, retain: true))
        model.ingest(msg("home/h/hum", "40"))
        #expect(model.label(for: model.id("home/h/hum"))?.unit == "%")
        // Removing the config removes the label.
        model.ingest(msg("homeassistant/sensor/h/config", "", retain: true))
        #expect(model.label(for: model.id("home/h/hum")) == nil)
    }

    @Test func seriesAreBounded() {
        var series = TimeSeries()
        for index in 0..<100_000 { series.append(Double(index % 50), at: Double(index) * 2) }
        #expect(series.count == TimeSeries.pointCapacity)
        #expect(series.perMinute.count == TimeSeries.minuteCapacity)
        #expect(series.last?.value == Double(99_999 % 50))
        let minute = series.perMinute.last
        #expect(minute?.count == 10)  // one point every 2 s, and the newest minute had only 20 s of them
    }

    @Test func summaryGivesMinAverageMaxAndLast() {
        var series = TimeSeries()
        #expect(series.summary == nil)
        for value in [20.0, 22.0, 21.0] { series.append(value, at: 0) }
        let summary = series.summary
        #expect(summary?.min == 20)
        #expect(summary?.average == 21)
        #expect(summary?.max == 22)
        #expect(summary?.last == 21)
    }

    @Test func sparklinesResampleAnyWidth() {
        var series = TimeSeries()
        for index in 0..<240 { series.append(Double(index), at: Double(index)) }
        var scratch: [SparkBucket] = []
        let line = Sparkline.render(series, width: 8, kind: .other, scratch: &scratch)
        // Thirty points a column, on a scale snapped to 0…250.
        #expect(line == "▂▃▃▄▅▆▇█")
        #expect(Sparkline.render(series, width: 1, kind: .other, scratch: &scratch).count == 1)
        var short = TimeSeries()
        short.append(1, at: 0)
        short.append(2, at: 1)
        // Fewer points than cells: from the left, blanks where the next points go.
        #expect(Sparkline.render(short, width: 5, kind: .other, scratch: &scratch) == "▁█   ")
    }

    @Test(arguments: [24, 26])
    func aNewPointChangesOneCellNotTheWholeLine(width: Int) {
        // A slow drift, as a room warms: once the line is drawn, each new point changes the
        // last cell (or the next one), the cells before it keep their heights, and a line moves
        // by one column at a time. Once the ring is full the line fills its width.
        var series = TimeSeries()
        var scratch: [SparkBucket] = []
        var previous: [Character]?
        for index in 0..<TimeSeries.pointCapacity + 100 {
            series.append(20 + Double(index % 60) / 100, at: Double(index))
            let line = Array(Sparkline.render(series, width: width, kind: .temperature, scratch: &scratch))
            #expect(line.count == width)
            if index >= TimeSeries.pointCapacity - 1 { #expect(!line.contains(" "), "point \(index): \(String(line))") }
            // Columns are re-cut while the ring fills (each time it passes a multiple of the
            // width) and once when it is full; the drift turns down every 60 points.
            let recut = index % width == 0 || index == TimeSeries.pointCapacity - 1
            if let previous, !recut, index % 60 != 0 {
                let changed = line.indices.filter { line[$0] != previous[$0] }
                let shifted = Array(line.dropFirst()) == Array(previous.dropLast()) || Array(line.dropLast()) == Array(previous.dropFirst())
                #expect(changed.count <= 2 || shifted, "point \(index): \(String(previous)) → \(String(line))")
            }
            previous = line
        }
    }

    @Test func aRecordedSeriesCountsItsColumnsFromItsFirstPoint() {
        let recorded = (0..<30).map { TimeSeries.Point(time: Double($0), value: Double($0)) }
        let series = TimeSeries(recordedMinutes: [], points: recorded)
        var buckets = Array(repeating: SparkBucket(), count: 8)
        series.resample(into: &buckets)
        // Four points a column from the first: seven whole columns, then the newest two.
        #expect(buckets.map(\.count) == [4, 4, 4, 4, 4, 4, 4, 2])
        #expect(buckets[0].last == 3 && buckets[7].last == 29)
    }
}
