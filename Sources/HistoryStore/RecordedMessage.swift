import MQTT

/// A recorded message.
public struct RecordedMessage: Sendable, Hashable {
    public let time: Double
    public let payload: [UInt8]
    /// Its true size: payloads above `StoredBatch.payloadCap` are stored cut.
    public let size: Int
    public let qos: Int
    public let retain: Bool
    /// Its row: the order of messages that share a time.
    public let id: Int64
    /// Its MQTT 5 properties (user properties, content type, …), less the topic alias.
    public let properties: MQTTProperties

    public init(time: Double, payload: [UInt8], size: Int, qos: Int, retain: Bool, id: Int64, properties: MQTTProperties) {
        self.time = time
        self.payload = payload
        self.size = size
        self.qos = qos
        self.retain = retain
        self.id = id
        self.properties = properties
    }

    /// Properties as a store keeps them (MQTT's encoding); bytes that do not decode (a store
    /// edited by hand) read as none.
    package static func properties(stored bytes: [UInt8]?) -> MQTTProperties {
        bytes.flatMap { try? MQTTProperties(wireBytes: $0) } ?? MQTTProperties()
    }
}

/// A recorded topic: its broker, how many messages it has, and when the first and last arrived.
public struct RecordedTopic: Sendable, Hashable {
    /// The broker's name as stored ("" for a store written before brokers were named).
    public let broker: String
    public let name: String
    public let messages: Int
    public let first: Double
    public let last: Double

    public init(broker: String, name: String, messages: Int, first: Double, last: Double) {
        self.broker = broker
        self.name = name
        self.messages = messages
        self.first = first
        self.last = last
    }
}

/// One minute of a series: its minimum, maximum, sum and count.
public struct RecordedMinute: Sendable, Hashable {
    public let minute: Int64
    public let min: Double
    public let max: Double
    public let sum: Double
    public let count: Int

    public init(minute: Int64, min: Double, max: Double, sum: Double, count: Int) {
        self.minute = minute
        self.min = min
        self.max = max
        self.sum = sum
        self.count = count
    }
}
