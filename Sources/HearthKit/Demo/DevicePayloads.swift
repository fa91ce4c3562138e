import Foundation

/// The payload shapes real homes publish, one per kind of device, for the simulated home.
enum DevicePayloads {
    static func one(_ value: Double) -> String { String(format: "%.1f", value) }
    static func two(_ value: Double) -> String { String(format: "%.2f", value) }

    /// zigbee2mqtt: `zigbee2mqtt/<friendly name>`, one flat JSON object.
    static func zigbeeSensor(_ climate: RoomClimate, battery: Int) -> String {
        #"{"battery":\#(battery),"humidity":\#(one(climate.humidity)),"linkquality":\#(96 + battery % 40),"#
            + #""temperature":\#(two(climate.temperature)),"voltage":\#(2900 + battery * 3)}"#
    }

    static func zigbeeLight(on: Bool, brightness: Int) -> String {
        #"{"brightness":\#(brightness),"color_mode":"color_temp","color_temp":370,"state":"\#(on ? "ON" : "OFF")"}"#
    }

    /// A zigbee2mqtt smart plug: its state, and what it measures.
    static func zigbeePlug(on: Bool, power: Double, energy: Double) -> String {
        #"{"current":\#(two(on ? power / 230 : 0)),"energy":\#(two(energy)),"linkquality":132,"#
            + #""power":\#(one(on ? power : 0)),"state":"\#(on ? "ON" : "OFF")","voltage":230}"#
    }

    /// Tasmota: `tele/<device>/SENSOR`, sensors nested by name.
    static func tasmotaSensor(_ climate: RoomClimate, time: Date) -> String {
        let dewPoint = climate.temperature - (100 - climate.humidity) / 5
        return #"{"Time":"\#(isoTime(time))","AM2301":{"Temperature":\#(one(climate.temperature)),"#
            + #""Humidity":\#(one(climate.humidity)),"DewPoint":\#(one(dewPoint))},"TempUnit":"C"}"#
    }

    /// Shelly Gen2: `<device>/status/<component>:<id>`, status objects.
    static func shellyTemperature(_ climate: RoomClimate) -> String {
        #"{"id":0,"tC":\#(one(climate.temperature)),"tF":\#(one(climate.temperature * 9 / 5 + 32))}"#
    }

    static func shellyHumidity(_ climate: RoomClimate) -> String {
        #"{"id":0,"rh":\#(one(climate.humidity))}"#
    }

    static func shellySwitch(on: Bool, power: Double, energy: Double, deviceTemperature: Double) -> String {
        #"{"id":0,"source":"init","output":\#(on),"apower":\#(one(on ? power : 0)),"voltage":231.4,"#
            + #""current":\#(String(format: "%.3f", on ? power / 231.4 : 0)),"aenergy":{"total":\#(String(format: "%.3f", energy))},"#
            + #""temperature":{"tC":\#(one(deviceTemperature)),"tF":\#(one(deviceTemperature * 9 / 5 + 32))}}"#
    }

    /// Home Assistant MQTT discovery: labels an ESPHome state topic with its unit and class.
    static func discovery(name: String, stateTopic: String, unit: String, deviceClass: String, id: String) -> String {
        #"{"name":"\#(name)","state_topic":"\#(stateTopic)","unit_of_measurement":"\#(unit)","#
            + #""device_class":"\#(deviceClass)","unique_id":"\#(id)","state_class":"measurement"}"#
    }

    private static func isoTime(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withTime, .withColonSeparatorInTime, .withDashSeparatorInDate]
        return formatter.string(from: date)
    }
}
