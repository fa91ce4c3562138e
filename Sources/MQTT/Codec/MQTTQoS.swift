/// Quality of service for a PUBLISH or a subscription.
public enum MQTTQoS: UInt8, Sendable, Hashable, Comparable, CustomStringConvertible {
    /// QoS 0: sent once and never acknowledged, so it may be lost.
    case atMostOnce = 0
    /// QoS 1: resent until a PUBACK, so it may arrive twice.
    case atLeastOnce = 1
    /// QoS 2: the PUBREC/PUBREL/PUBCOMP flow delivers it exactly once.
    case exactlyOnce = 2

    /// Orders by level, so a QoS can be checked against a maximum.
    public static func < (lhs: MQTTQoS, rhs: MQTTQoS) -> Bool { lhs.rawValue < rhs.rawValue }

    /// The level as a digit: "0", "1" or "2".
    public var description: String { String(rawValue) }
}
