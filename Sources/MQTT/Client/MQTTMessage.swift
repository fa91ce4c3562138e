import Foundation

/// An application message received from the broker.
public struct MQTTMessage: Sendable, Hashable {
    /// The topic name, with any v5 topic alias already resolved.
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    /// Set when the broker sent the message because a subscription was made, or (v5,
    /// retain-as-published) when the publisher set it.
    public var retain: Bool
    public var dup: Bool
    /// v5 properties as received (user properties, content type, ...), less the topic alias.
    public var properties: MQTTProperties
    /// When the bytes were read from the socket.
    public var receivedAt: Date

    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false, dup: Bool = false,
                properties: MQTTProperties = [], receivedAt: Date = Date()) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.dup = dup
        self.properties = properties
        self.receivedAt = receivedAt
    }
}
