import NIOCore

/// UNSUBSCRIBE: filters to stop receiving.
public struct UnsubscribePacket: MQTTPacketCoding, Hashable {
    static let packetType = MQTTPacketType.unsubscribe

    /// The identifier the UNSUBACK answers with.
    public var packetID: UInt16
    /// The filters to remove, exactly as they were subscribed.
    public var filters: [String]
    /// The v5 properties (user properties); not written on 3.1.1.
    public var properties: MQTTProperties

    /// An UNSUBSCRIBE for one or more filters.
    public init(packetID: UInt16, filters: [String], properties: MQTTProperties = []) {
        self.packetID = packetID
        self.filters = filters
        self.properties = properties
    }

    static func read(from body: inout ByteBuffer, flags _: UInt8, version: MQTTProtocolVersion) throws(MQTTDecodeError) -> UnsubscribePacket {
        let packetID = try body.readMQTTPacketIdentifier(.unsubscribe)
        let properties = version == .v5
            ? try MQTTProperties.read(from: &body, context: .unsubscribe, packet: .unsubscribe) : []
        var filters: [String] = []
        while body.readableBytes > 0 {
            let filter = try body.readMQTTString(.unsubscribe)
            if let problem = MQTTTopic.filterProblem(filter) { throw .invalidTopicFilter(problem) }
            filters.append(filter)
        }
        guard !filters.isEmpty else { throw .noTopicFilters(.unsubscribe) }
        return UnsubscribePacket(packetID: packetID, filters: filters, properties: properties)
    }

    func writeBody(to buffer: inout ByteBuffer, version: MQTTProtocolVersion) throws(MQTTEncodeError) {
        buffer.writeInteger(packetID)
        if version == .v5 { try properties.write(to: &buffer) }
        for filter in filters { try buffer.writeMQTTString(filter) }
    }
}
