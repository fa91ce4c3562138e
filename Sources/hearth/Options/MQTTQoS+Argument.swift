import ArgumentParser
import HearthKit
import MQTT

/// `-q 0`, `-q 1`, `-q 2`: parsed as a QoS, so a bad value is refused by the parser with the
/// accepted values listed.
extension MQTTQoS: ExpressibleByArgument {
    public init?(argument: String) {
        guard let value = UInt8(argument) else { return nil }
        self.init(rawValue: value)
    }

    public static var allValueStrings: [String] { ["0", "1", "2"] }
}
