import MQTT

/// A message as the model keeps it: the payload capped for display, its true size remembered.
public struct StoredMessage: Sendable, Hashable {
    // Ordered so the payload's tag, the flags and the size share one word (32 bytes in all).
    private var bytes: PayloadBytes
    public var qos: MQTTQoS
    public var retain: Bool
    /// Packets are at most 256 MiB, so 32 bits hold any size.
    private var storedSize: UInt32
    public var properties: MQTTProperties
    /// Seconds since 1970.
    public var time: Double

    /// The payload, cut to the display cap.
    public var payload: [UInt8] { bytes.array }

    /// The payload's size on the wire.
    public var size: Int { Int(storedSize) }

    /// Whether the payload was cut to the display cap.
    public var isTruncated: Bool { bytes.count < size }

    /// Bytes of the payload kept (fewer than `size` when cut).
    public var payloadCount: Int { bytes.count }

    /// Whether the stored payload is exactly `other`, without building an array.
    func hasPayload(_ other: [UInt8]) -> Bool { bytes.equals(other) }

    init(_ message: MQTTMessage, cap: Int) {
        bytes = message.payload.count > cap ? PayloadBytes(message.payload.prefix(cap)) : PayloadBytes(message.payload)
        storedSize = UInt32(clamping: message.payload.count)
        qos = message.qos
        retain = message.retain
        properties = message.properties
        time = message.receivedAt.timeIntervalSince1970
    }

    /// A message read back from a recording (its payload already capped there).
    public init(payload: [UInt8], size: Int, time: Double, qos: MQTTQoS, retain: Bool, properties: MQTTProperties = MQTTProperties()) {
        bytes = PayloadBytes(payload)
        storedSize = UInt32(clamping: size)
        self.qos = qos
        self.retain = retain
        self.properties = properties
        self.time = time
    }

    /// Bytes counted against the history budgets.
    var cost: Int { bytes.count + 48 }
}
