import Foundation

/// An application message received from the broker.
public struct MQTTMessage: Sendable, Hashable {
    /// The topic name, with any v5 topic alias already resolved.
    public var topic: String
    /// The message's bytes, as published.
    public var payload: [UInt8]
    /// The QoS the broker delivered the message at (at most the subscription's).
    public var qos: MQTTQoS
    /// Set when the broker sent the message because a subscription was made, or (v5,
    /// retain-as-published) when the publisher set it.
    public var retain: Bool
    /// Set when the broker may have sent this message before (a QoS 1/2 redelivery).
    public var dup: Bool
    /// v5 properties as received (user properties, content type, ...), less the topic alias.
    public var properties: MQTTProperties
    /// When the bytes were read from the socket.
    public var receivedAt: Date
    /// The PUBLISH's packet identifier (QoS 1 and 2; 0 for QoS 0), as mosquitto_sub's `%m` prints it.
    public var packetID: UInt16

    /// A received message; the client builds one per PUBLISH, tests and stores build their own.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false, dup: Bool = false,
                properties: MQTTProperties = [], receivedAt: Date = Date(), packetID: UInt16 = 0) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.dup = dup
        self.properties = properties
        self.receivedAt = receivedAt
        self.packetID = packetID
    }
}
