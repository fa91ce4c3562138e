/// A Home Assistant discovery config's availability: the topic to watch, the payloads that mean
/// available and not available, and the state topic (the entity) it marks.
public struct AvailabilityRule: Sendable, Hashable {
    /// The discovery config that gave the rule: many configs share one availability topic and
    /// state topic, and removing one of them must not remove the others' rules.
    public var config: String
    public var topic: String
    public var available: String
    public var notAvailable: String
    public var stateTopic: String

    /// Online (true), offline (false) or neither (nil).
    func reading(_ payload: [UInt8]) -> Bool? {
        let text = String(decoding: payload, as: UTF8.self)
        if text == available { return true }
        if text == notAvailable { return false }
        return nil
    }
}
