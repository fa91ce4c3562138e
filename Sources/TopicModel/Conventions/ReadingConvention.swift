/// What the device conventions say about a reading that its payload does not: its unit, and
/// whether it describes the room or the device itself.
///
/// A reading is a topic's numeric field, named by its JSON path ("" for a plain payload).
public enum ReadingConvention {
    // MARK: Units

    /// The unit a convention gives a field: zigbee2mqtt's documented units for its exposes
    /// (`zigbee2mqtt/<device>`), Shelly Gen2's for its components' status (`…/status/switch:0`),
    /// and Tasmota's `TempUnit` and `PressureUnit` for its sensors. `level` is the topic's last
    /// level; `texts` are the payload's top-level strings (`NumberExtractor.topLevelTexts`).
    /// `fields` are the topic's other fields: a zigbee2mqtt device with a battery gives its
    /// battery's `voltage` in mV, a plug its mains' in V.
    /// `key` is the field's `lastKey`.
    static func unit(topic: String, level: String, field: String, key: String, fields: [String],
                     texts: () -> [(key: String, text: String)]) -> String? {
        guard !field.isEmpty else { return nil }
        if topic.utf8.starts(with: "zigbee2mqtt/".utf8), !field.utf8.contains(UInt8(ascii: ".")) {
            if key == "voltage" { return fields.contains("battery") ? "mV" : "V" }
            return zigbeeUnits[key]
        }
        if isShellyComponent(Substring(level)) { return shellyUnits[key] }
        // Tasmota's sensors: `tele/<device>/SENSOR`, whose energy monitor has documented units and
        // whose other sensors name theirs in the payload.
        guard level == "SENSOR" else { return nil }
        if field.hasPrefix("ENERGY.") { return tasmotaEnergyUnits[key] }
        switch key {
        case "temperature", "dewpoint":
            guard let unit = texts().first(where: { $0.key == "TempUnit" })?.text, unit == "C" || unit == "F" else { return nil }
            return "°" + unit
        case "humidity":
            return texts().contains { $0.key == "TempUnit" } ? "%" : nil
        case "pressure", "seapressure":
            return texts().first(where: { $0.key == "PressureUnit" })?.text
        default:
            return nil
        }
    }

    /// Shelly Gen2's units for its components' status fields.
    static let shellyUnits: [String: String] = [
        "apower": "W", "voltage": "V", "current": "A", "total": "Wh", "freq": "Hz", "rh": "%", "lux": "lx",
    ]

    /// Tasmota's energy monitor (`ENERGY` in `tele/<device>/SENSOR`).
    static let tasmotaEnergyUnits: [String: String] = [
        "power": "W", "apparentpower": "VA", "reactivepower": "var", "voltage": "V", "current": "A", "total": "kWh",
        "yesterday": "kWh", "today": "kWh", "frequency": "Hz",
    ]

    /// A Shelly Gen2 component's status level: `switch:0`, `temperature:100`.
    static func isShellyComponent(_ level: Substring) -> Bool {
        // Byte checks first: most levels hold no colon.
        guard level.utf8.contains(UInt8(ascii: ":")), let colon = level.firstIndex(of: ":"), colon != level.startIndex else { return false }
        let number = level[level.index(after: colon)...]
        return !number.isEmpty && number.allSatisfy(\.isNumber)
    }

    /// zigbee2mqtt's units, by expose name (its documentation's "Exposes" tables).
    static let zigbeeUnits: [String: String] = [
        "temperature": "°C", "device_temperature": "°C", "local_temperature": "°C", "humidity": "%", "pressure": "hPa",
        "power": "W", "energy": "kWh", "current": "A", "battery": "%", "illuminance": "lx",
        "illuminance_lux": "lx", "co2": "ppm", "voc": "ppb", "pm25": "µg/m³", "soil_moisture": "%",
    ]

    // MARK: Device internals

    /// Whether a reading describes the device rather than the room: signal, supply voltage,
    /// uptime, and a chip's own temperature (a Shelly relay's `switch:0`, zigbee2mqtt's
    /// `device_temperature`, Tasmota's `ESP32`). `level` is the topic's last level.
    /// `key` is the field's `lastKey` (the level's, for a plain payload).
    public static func isDeviceInternal(field: String, key: String, level: Substring) -> Bool {
        if internalKeys.contains(key) { return true }
        if field.utf8.contains(UInt8(ascii: ".")), field.split(separator: ".").contains(where: { chipObjects.contains($0.lowercased()) }) {
            return true
        }
        // A Shelly Gen2 component other than a thermometer (`switch:0`, `cover:1`) reports the
        // temperature of its own electronics.
        if isShellyComponent(level), let colon = level.firstIndex(of: ":") {
            let component = level[..<colon].lowercased()
            return component != "temperature" && SeriesKind.of(unit: nil, name: field) == .temperature
        }
        return false
    }

    static let internalKeys: Set<String> = [
        "linkquality", "voltage", "rssi", "wifi_rssi", "signal", "uptime", "uptimesec", "device_temperature", "lqi", "snr",
        // Tasmota's STATE: the device's own health.
        "heap", "loadavg", "sleep", "mqttcount", "bootcount",
    ]
    static let chipObjects: Set<String> = ["esp32", "esp8266", "wifi", "sys"]

    /// Whether a reading in degrees is worked out rather than the room's own (a dew point).
    static func isDerived(key: String) -> Bool {
        ["dewpoint", "dew_point", "heatindex", "heat_index"].contains(key)
    }

    // MARK: Telling readings

    /// The readings that say most about a device with a state, preferred first: a plug's power
    /// before its energy, a light's brightness before its colour.
    static let tellingKeys = ["power", "apower", "brightness", "position", "current_position"]

    /// A field's own name, lowercased: "total" of "aenergy.total".
    public static func lastKey(_ path: String) -> String {
        let tail = path.utf8.lastIndex(of: UInt8(ascii: ".")).map { path[path.index(after: $0)...] } ?? path[...]
        // Most keys are lowercase already: no second string for them.
        return tail.utf8.contains(where: { $0 >= 0x41 && $0 <= 0x5A }) || !tail.utf8.allSatisfy({ $0 < 0x80 })
            ? tail.lowercased() : String(tail)
    }
}
