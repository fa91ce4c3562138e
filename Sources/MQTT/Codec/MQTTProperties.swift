import NIOCore

/// The property list of an MQTT 5 packet, in wire order.
///
/// ```swift
/// var props = MQTTProperties()
/// props.append(.contentType("application/json"))
/// props.userProperties // [(key, value)]
/// ```
public struct MQTTProperties: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral {
    public private(set) var list: [MQTTProperty]

    public init(_ list: [MQTTProperty] = []) { self.list = list }
    public init(arrayLiteral elements: MQTTProperty...) { self.list = elements }

    public var startIndex: Int { list.startIndex }
    public var endIndex: Int { list.endIndex }
    public subscript(position: Int) -> MQTTProperty { list[position] }

    public mutating func append(_ property: MQTTProperty) { list.append(property) }

    /// Removes every property with this identifier.
    public mutating func remove(_ id: MQTTPropertyIdentifier) { list.removeAll { $0.identifier == id } }

    // MARK: Typed accessors

    public var userProperties: [(key: String, value: String)] {
        list.compactMap { if case let .userProperty(k, v) = $0 { return (k, v) } else { return nil } }
    }
    public var contentType: String? { first { if case let .contentType(v) = $0 { v } else { nil } } }
    public var responseTopic: String? { first { if case let .responseTopic(v) = $0 { v } else { nil } } }
    public var correlationData: [UInt8]? { first { if case let .correlationData(v) = $0 { v } else { nil } } }
    public var payloadFormatIndicator: UInt8? {
        first { if case let .payloadFormatIndicator(v) = $0 { v } else { nil } }
    }
    public var messageExpiryInterval: UInt32? {
        first { if case let .messageExpiryInterval(v) = $0 { v } else { nil } }
    }
    public var willDelayInterval: UInt32? { first { if case let .willDelayInterval(v) = $0 { v } else { nil } } }
    public var topicAlias: UInt16? { first { if case let .topicAlias(v) = $0 { v } else { nil } } }
    public var reasonString: String? { first { if case let .reasonString(v) = $0 { v } else { nil } } }
    public var receiveMaximum: UInt16? { first { if case let .receiveMaximum(v) = $0 { v } else { nil } } }
    public var topicAliasMaximum: UInt16? { first { if case let .topicAliasMaximum(v) = $0 { v } else { nil } } }
    public var maximumPacketSize: UInt32? { first { if case let .maximumPacketSize(v) = $0 { v } else { nil } } }
    public var maximumQoS: UInt8? { first { if case let .maximumQoS(v) = $0 { v } else { nil } } }
    public var retainAvailable: UInt8? { first { if case let .retainAvailable(v) = $0 { v } else { nil } } }
    public var serverKeepAlive: UInt16? { first { if case let .serverKeepAlive(v) = $0 { v } else { nil } } }
    public var assignedClientIdentifier: String? {
        first { if case let .assignedClientIdentifier(v) = $0 { v } else { nil } }
    }
    public var sessionExpiryInterval: UInt32? {
        first { if case let .sessionExpiryInterval(v) = $0 { v } else { nil } }
    }
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
