import NIOCore

/// The property list of an MQTT 5 packet, in wire order.
///
/// ```swift
/// var props = MQTTProperties()
/// props.append(.contentType("application/json"))
/// props.userProperties // [(key, value)]
/// ```
public struct MQTTProperties: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral {
    /// The properties in wire order, repeats included.
    public private(set) var list: [MQTTProperty]

    /// A property list holding `list`, in order.
    public init(_ list: [MQTTProperty] = []) { self.list = list }
    /// A property list written as an array literal, e.g. `[.contentType("text/plain")]`.
    public init(arrayLiteral elements: MQTTProperty...) { self.list = elements }

    /// The position of the first property (Collection conformance).
    public var startIndex: Int { list.startIndex }
    /// The position past the last property (Collection conformance).
    public var endIndex: Int { list.endIndex }
    /// The property at `position`, in wire order.
    public subscript(position: Int) -> MQTTProperty { list[position] }

    /// Adds a property at the end, unchecked: only the decoder refuses a duplicate or a misplaced one.
    public mutating func append(_ property: MQTTProperty) { list.append(property) }

    /// Removes every property with this identifier.
    public mutating func remove(_ id: MQTTPropertyIdentifier) { list.removeAll { $0.identifier == id } }

    // MARK: Typed accessors

    /// Every User Property as a key-value pair, in order (keys may repeat).
    public var userProperties: [(key: String, value: String)] {
        list.compactMap { if case let .userProperty(k, v) = $0 { return (k, v) } else { return nil } }
    }
    /// The payload's Content Type (e.g. a MIME type), if present.
    public var contentType: String? { first { if case let .contentType(v) = $0 { v } else { nil } } }
    /// The topic a response should be published to, if present.
    public var responseTopic: String? { first { if case let .responseTopic(v) = $0 { v } else { nil } } }
    /// The bytes tying a response to its request, if present.
    public var correlationData: [UInt8]? { first { if case let .correlationData(v) = $0 { v } else { nil } } }
    /// 1 when the payload is declared UTF-8 text, 0 when unspecified; nil when absent.
    public var payloadFormatIndicator: UInt8? {
        first { if case let .payloadFormatIndicator(v) = $0 { v } else { nil } }
    }
    /// The message's lifetime in seconds, if present.
    public var messageExpiryInterval: UInt32? {
        first { if case let .messageExpiryInterval(v) = $0 { v } else { nil } }
    }
    /// The seconds the broker waits before publishing the will, if present.
    public var willDelayInterval: UInt32? { first { if case let .willDelayInterval(v) = $0 { v } else { nil } } }
    /// The PUBLISH's topic alias, if present (the client resolves and removes it on receipt).
    public var topicAlias: UInt16? { first { if case let .topicAlias(v) = $0 { v } else { nil } } }
    /// The peer's human-readable explanation of a reason code, if present.
    public var reasonString: String? { first { if case let .reasonString(v) = $0 { v } else { nil } } }
    /// How many QoS 1/2 publishes the sender accepts unacknowledged; nil means 65,535.
    public var receiveMaximum: UInt16? { first { if case let .receiveMaximum(v) = $0 { v } else { nil } } }
    /// The highest topic alias the sender accepts; nil means it accepts none.
    public var topicAliasMaximum: UInt16? { first { if case let .topicAliasMaximum(v) = $0 { v } else { nil } } }
    /// The largest packet the sender accepts, in bytes; nil means no limit beyond the protocol's.
    public var maximumPacketSize: UInt32? { first { if case let .maximumPacketSize(v) = $0 { v } else { nil } } }
    /// CONNACK's Maximum QoS (0 or 1); nil means the broker accepts QoS 2.
    public var maximumQoS: UInt8? { first { if case let .maximumQoS(v) = $0 { v } else { nil } } }
    /// CONNACK's Retain Available (0 or 1); nil means retained messages are accepted.
    public var retainAvailable: UInt8? { first { if case let .retainAvailable(v) = $0 { v } else { nil } } }
    /// The keep alive in seconds the broker imposes in CONNACK, if any.
    public var serverKeepAlive: UInt16? { first { if case let .serverKeepAlive(v) = $0 { v } else { nil } } }
    /// The client identifier the broker assigned in CONNACK, if any.
    public var assignedClientIdentifier: String? {
        first { if case let .assignedClientIdentifier(v) = $0 { v } else { nil } }
    }
    /// The seconds the session outlives the connection, if present.
    public var sessionExpiryInterval: UInt32? {
        first { if case let .sessionExpiryInterval(v) = $0 { v } else { nil } }
    }
    /// Every Subscription Identifier, in order: a PUBLISH carries one per matching subscription.
    public var subscriptionIdentifiers: [Int] {
        list.compactMap { if case let .subscriptionIdentifier(v) = $0 { return v } else { return nil } }
    }

    private func first<T>(_ extract: (MQTTProperty) -> T?) -> T? {
        for property in list { if let value = extract(property) { return value } }
        return nil
    }

    // MARK: Wire format

    /// Reads a property length and the properties inside it, validating each for `context`.
    static func read(
        from buffer: inout ByteBuffer, context: MQTTPropertyContext, packet type: MQTTPacketType
    ) throws(MQTTDecodeError) -> MQTTProperties {
        let length = try buffer.readMQTTBodyVariableInteger(type, strict: true)
        guard length > 0 else { return MQTTProperties() }
        guard var slice = buffer.readSlice(length: length) else { throw .truncated(type) }
        var properties: [MQTTProperty] = []
        var seen: UInt64 = 0  // one bit per identifier (all are below 64)
        while slice.readableBytes > 0 {
            let property = try MQTTProperty.read(from: &slice, packet: type)
            let id = property.identifier
            guard id.isAllowed(in: context) else { throw .propertyNotAllowed(id, context) }
            let bit: UInt64 = 1 << UInt64(id.rawValue)
            if seen & bit != 0, !id.mayRepeat { throw .duplicateProperty(id) }
            seen |= bit
            properties.append(property)
        }
        return MQTTProperties(properties)
    }

    /// A PUBLISH's properties in MQTT's own encoding (the length, then each property), to keep
    /// them outside a packet: the history store does.
    public var wireBytes: [UInt8] {
        var buffer = ByteBuffer()
        // Properties this value holds were decoded or built within MQTT's limits, so they encode.
        guard (try? write(to: &buffer)) != nil else { return [0] }
        return buffer.readBytes(length: buffer.readableBytes) ?? [0]
    }

    /// Properties kept as `wireBytes`, checked as a PUBLISH's are.
    public init(wireBytes: [UInt8]) throws(MQTTDecodeError) {
        var buffer = ByteBuffer(bytes: wireBytes)
        self = try Self.read(from: &buffer, context: .publish, packet: .publish)
    }

    /// Writes the property length followed by the properties.
    func write(to buffer: inout ByteBuffer) throws(MQTTEncodeError) {
        guard !list.isEmpty else {
            buffer.writeInteger(UInt8(0))
            return
        }
        var body = ByteBuffer()
        for property in list { try property.write(to: &body) }
        try buffer.writeMQTTVariableByteInteger(body.readableBytes)
        buffer.writeImmutableBuffer(body)
    }
}
