import MQTT

/// A message as the model keeps it: the payload capped for display, its true size remembered.
public struct StoredMessage: Sendable, Hashable {
    /// The payload, cut to the display cap.
    public var payload: [UInt8]
    public var properties: MQTTProperties
    /// Seconds since 1970.
    public var time: Double
    /// Packets are at most 256 MiB, so 32 bits hold any size (and keep the struct at 32 bytes).
    private var storedSize: UInt32
    public var qos: MQTTQoS
    public var retain: Bool

    /// The payload's size on the wire.
    public var size: Int { Int(storedSize) }

    /// Whether the payload was cut to the display cap.
    public var isTruncated: Bool { payload.count < size }

    init(_ message: MQTTMessage, cap: Int) {
        payload = message.payload.count > cap ? Array(message.payload.prefix(cap)) : message.payload
        storedSize = UInt32(clamping: message.payload.count)
        qos = message.qos
        retain = message.retain
        properties = message.properties
        time = message.receivedAt.timeIntervalSince1970
    }

    /// A message read back from a recording (its payload already capped there).
    public init(payload: [UInt8], size: Int, time: Double, qos: MQTTQoS, retain: Bool, properties: MQTTProperties = MQTTProperties()) {
        self.payload = payload
        storedSize = UInt32(clamping: size)
        self.qos = qos
        self.retain = retain
        self.properties = properties
        self.time = time
    }

    /// Bytes counted against the history budgets.
    var cost: Int { payload.count + 48 }
}
