import Foundation
import MQTT
import Testing
@testable import TopicModel

/// The home in its own words: states, device internals, and the units the conventions document.
@Suite(.timeLimit(.minutes(1)))
struct ConventionTests {
    @Test func statesComeFromPlainWordsAndTheConventionsKeys() {
        func word(_ payload: String) -> String? { DeviceState.of(Array(payload.utf8))?.word }
        #expect(word(#"{"brightness":180,"color_temp":370,"state":"OFF"}"#) == "OFF")
        #expect(word(#"{"id":0,"output":true,"apower":41.5}"#) == "ON")
        #expect(word(#"{"contact":false,"battery":90}"#) == "open")  // zigbee2mqtt: contact true is a closed door
        #expect(word(#"{"POWER":"ON"}"#) == "ON")
        #expect(word(" closed\n") == "closed")
        // Availability is liveness, not a state; nested and malformed objects state nothing.
        #expect(word("online") == nil && word(#"{"state":"online"}"#) == nil)
        #expect(word(#"{"a":{"state":"ON"}}"#) == nil && word(#"{"state":"ON""#) == nil && word("21.5") == nil)
        #expect(DeviceState.of(Array(#"{"state":"OFF"}"#.utf8))?.isActive == false)
    }

    @Test func availabilityIsNoState() {
        var model = TopicModel()
        // Shelly Gen2 says it is online with true; ESPHome with online; a switch named state says ON.
        model.ingest([msg("shellyplus1-a/online", "true"), msg("esp-hall/status", "online"),
                      msg("esp-hall/switch/relay/state", "ON"), msg("zigbee2mqtt/bridge/state", #"{"state":"online"}"#)])
        #expect(model.node(.root).stateCount == 1)
        #expect(model.overview(of: .root, offset: 0, limit: 10).rows.count == 1)
    }

    @Test func deviceInternalsAreNotTheRoomsTemperature() {
        var model = TopicModel()
        model.ingest([
            msg("shellyplus1pm-office/status/switch:0",
                #"{"id":0,"output":true,"apower":41.5,"voltage":231.4,"temperature":{"tC":48.9,"tF":120.0}}"#),
            msg("shellyplusht-office/status/temperature:0", #"{"id":0,"tC":21.5,"tF":70.7}"#),
            msg("zigbee2mqtt/bedroom_sensor", #"{"battery":90,"linkquality":96,"temperature":19.1,"voltage":2950,"device_temperature":31}"#),
            msg("tele/tasmota_kitchen/SENSOR", #"{"AM2301":{"Temperature":20.4,"DewPoint":11.1},"ESP32":{"Temperature":52.1},"TempUnit":"C"}"#),
        ])
        // Three rooms: the relay's chip, the sensor's own, the ESP32 and the dew point are not.
        #expect(model.node(.root).temperatureCount == 3)
        #expect(model.node(.root).internalCount == 6)  // switch tC, switch voltage, linkquality, voltage, device_temperature, ESP32
        let relay = model.readings(of: model.id("shellyplus1pm-office/status/switch:0"))
        #expect(relay.map(\.path) == ["apower", "voltage", "temperature.tC"], "output is the state, tF the twin")
        #expect(relay.first { $0.path == "temperature.tC" }?.role == .deviceInternal)
        #expect(relay.first { $0.path == "apower" }?.unit == "W")
        // The °C/°F pair is one reading, in °C while nothing says otherwise.
        #expect(model.readings(of: model.id("shellyplusht-office/status/temperature:0")).map(\.path) == ["tC"])
        // The overview lists the internals last.
        let rows = model.overview(of: .root, offset: 0, limit: 50).rows
        let roles: [ReadingRole] = rows.compactMap { if case let .series(series) = $0 { return series.role } else { return nil } }
        #expect(roles == roles.sorted { order($0) < order($1) })
        #expect(rows.contains { if case let .state(state) = $0 { return state.state.word == "ON" && state.reading?.path == "apower" } else { return false } })
    }

    private func order(_ role: ReadingRole) -> Int {
        switch role {
        case .temperature: return 0
        case .reading: return 1
        case .deviceInternal: return 2
        }
    }

    @Test func aHomeInFahrenheitShowsThePairInFahrenheit() {
        var model = TopicModel()
        model.ingest(msg("shellyplusht-den/status/temperature:0", #"{"id":0,"tC":21.5,"tF":70.7}"#))
        #expect(model.readings(of: model.id("shellyplusht-den/status/temperature:0")).map(\.path) == ["tC"])
        for room in ["hall", "porch"] { model.ingest(msg("home/\(room)/temperature", "68.2 °F")) }
        #expect(model.readings(of: model.id("shellyplusht-den/status/temperature:0")).map(\.path) == ["tF"])
        #expect(model.node(.root).temperatureCount == 3)
    }

    @Test func conventionsGiveTheirUnits() {
        var model = TopicModel()
        model.ingest([
            msg("zigbee2mqtt/plug", #"{"current":0.49,"energy":23.4,"power":112.4,"state":"ON","voltage":230}"#),
            msg("zigbee2mqtt/sensor", #"{"battery":90,"humidity":51.2,"illuminance":320,"pressure":1012,"temperature":19.1,"voltage":2950}"#),
            msg("tele/tasmota_kitchen/SENSOR", #"{"AM2301":{"Temperature":20.4,"Humidity":53.5},"TempUnit":"C"}"#),
            msg("tele/tasmota_porch/SENSOR", #"{"DS18B20":{"Temperature":68.9},"TempUnit":"F"}"#),
        ])
        func unit(_ topic: String, _ path: String) -> String? { model.unit(of: model.id(topic), path: path) }
        #expect(unit("zigbee2mqtt/plug", "power") == "W" && unit("zigbee2mqtt/plug", "energy") == "kWh")
        #expect(unit("zigbee2mqtt/plug", "voltage") == "V" && unit("zigbee2mqtt/sensor", "voltage") == "mV")
        #expect(unit("zigbee2mqtt/sensor", "temperature") == "°C" && unit("zigbee2mqtt/sensor", "battery") == "%")
        #expect(unit("zigbee2mqtt/sensor", "illuminance") == "lx" && unit("zigbee2mqtt/sensor", "pressure") == "hPa")
        #expect(unit("tele/tasmota_kitchen/SENSOR", "AM2301.Temperature") == "°C")
        #expect(unit("tele/tasmota_kitchen/SENSOR", "AM2301.Humidity") == "%")
        #expect(unit("tele/tasmota_porch/SENSOR", "DS18B20.Temperature") == "°F")
        // Tasmota's energy monitor has documented units; a Shelly's minute timestamp is no reading.
        model.ingest(msg("tele/sonoff_pow/SENSOR", #"{"ENERGY":{"Total":12.3,"Power":45,"Current":0.2,"Factor":0.81}}"#))
        #expect(unit("tele/sonoff_pow/SENSOR", "ENERGY.Total") == "kWh" && unit("tele/sonoff_pow/SENSOR", "ENERGY.Power") == "W")
        #expect(unit("tele/sonoff_pow/SENSOR", "ENERGY.Factor") == nil)
        model.ingest(msg("shelly/status/switch:0", #"{"aenergy":{"total":12.3,"minute_ts":1700000000}}"#))
        #expect(model.readings(of: model.id("shelly/status/switch:0")).map(\.path) == ["aenergy.total"])
        // The plug's state leads; its power is what it tells.
        #expect(model.primary(of: model.id("zigbee2mqtt/plug"))?.path == "power")
    }

    @Test func discoveryNamesTheReadingInTheOverview() {
        var model = TopicModel()
        model.ingest(msg("homeassistant/sensor/attic_t/config",
                         #"{"name":"Attic Temperature","state_topic":"esphome/attic/sensor/t/state","unit_of_measurement":"°C"}"#))
        model.ingest(msg("esphome/attic/sensor/t/state", "24.1"))
        let rows = model.overview(of: .root, offset: 0, limit: 10).rows
        let labels = rows.compactMap { if case let .series(series) = $0 { return series.label } else { return nil } }
        #expect(labels == ["Attic Temperature"])
    }
}
