import MQTT

extension MQTTProtocolVersion {
    /// The version as mosquitto's `-V` spells it: `mqttv5` or `5`, `mqttv311` or `311`.
    public init?(spelling: String) {
        switch spelling {
        case "mqttv5", "5": self = .v5
        case "mqttv311", "311": self = .v311
        default: return nil
        }
    }
}
