import NIOCore

/// The message a broker publishes on the client's behalf when it disappears.
public struct MQTTWill: Sendable, Hashable {
    /// The topic the will is published to.
    public var topic: String
    /// The will's message bytes.
    public var payload: [UInt8]
    /// The QoS the broker publishes the will at.
    public var qos: MQTTQoS
    /// Whether the broker keeps the will as its topic's retained value.
    public var retain: Bool
    /// The will's v5 properties (delay, expiry, content type...); not written on 3.1.1.
    public var properties: MQTTProperties

    /// A will message, sent in CONNECT.
    public init(topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
                properties: MQTTProperties = []) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.properties = properties
    }
}

/// CONNECT: the first packet a client sends.
public struct ConnectPacket: MQTTPacketCoding, Hashable {
    static let packetType = MQTTPacketType.connect

    /// The protocol level CONNECT announces, which also decides how the rest is encoded.
    public var version: MQTTProtocolVersion
    /// The client identifier; empty asks the broker to assign one.
    public var clientID: String
    /// Clean Session (3.1.1) / Clean Start (5.0): discard any session the broker kept.
    public var cleanStart: Bool
    /// The longest silence allowed, in seconds; 0 turns keep-alive off.
    public var keepAlive: UInt16
    /// The user name for authentication, if any.
    public var username: String?
    /// The password for authentication, as bytes; 3.1.1 allows it only with a user name.
    public var password: [UInt8]?
    /// The message the broker publishes if the connection ends without a DISCONNECT.
    public var will: MQTTWill?
    /// The v5 CONNECT properties (session expiry, limits...); not written on 3.1.1.
    public var properties: MQTTProperties

    /// A CONNECT packet; by default a clean start with a 60 s keep alive.
    public init(version: MQTTProtocolVersion, clientID: String, cleanStart: Bool = true, keepAlive: UInt16 = 60,
                username: String? = nil, password: [UInt8]? = nil, will: MQTTWill? = nil,
                properties: MQTTProperties = []) {
        self.version = version
        self.clientID = clientID
        self.cleanStart = cleanStart
        self.keepAlive = keepAlive
        self.username = username
        self.password = password
        self.will = will
        self.properties = properties
    }

    /// CONNECT names its own protocol level, so `version` is ignored when reading.
    static func read(from body: inout ByteBuffer, flags: UInt8, version _: MQTTProtocolVersion) throws(MQTTDecodeError) -> ConnectPacket {
        let name = try body.readMQTTString(.connect)
        let level = try body.readMQTTByte(.connect)
        guard name == "MQTT", let version = MQTTProtocolVersion(rawValue: level) else {
            throw .unsupportedProtocol(name: name, level: level)
        }
        let connectFlags = try body.readMQTTByte(.connect)
        guard connectFlags & 0x01 == 0 else { throw .reservedFlagSet(.connect) }
        let hasWill = connectFlags & 0x04 != 0
        guard let willQoS = MQTTQoS(rawValue: (connectFlags >> 3) & 0x03) else { throw .invalidQoS }
        let willRetain = connectFlags & 0x20 != 0
        if !hasWill, willQoS != .atMostOnce || willRetain {
            throw .willFlagsWithoutWill
        }
        let hasPassword = connectFlags & 0x40 != 0
        let hasUsername = connectFlags & 0x80 != 0
        if version == .v311, hasPassword, !hasUsername {
            throw .passwordWithoutUsername
        }
        let keepAlive = try body.readMQTTUInt16(.connect)
        let properties = version == .v5
            ? try MQTTProperties.read(from: &body, context: .connect, packet: .connect) : []
        let clientID = try body.readMQTTString(.connect)
        var will: MQTTWill?
        if hasWill {
            let willProperties = version == .v5
                ? try MQTTProperties.read(from: &body, context: .will, packet: .connect) : []
            let topic = try body.readMQTTString(.connect)
            if let problem = MQTTTopic.nameProblem(topic) { throw .invalidTopicName(problem) }
            let payload = try body.readMQTTBinary(.connect)
            will = MQTTWill(topic: topic, payload: payload, qos: willQoS, retain: willRetain, properties: willProperties)
        }
        let username = hasUsername ? try body.readMQTTString(.connect) : nil
        let password = hasPassword ? try body.readMQTTBinary(.connect) : nil
        try body.mqttExpectFullyRead(.connect)
        return ConnectPacket(version: version, clientID: clientID, cleanStart: connectFlags & 0x02 != 0,
                             keepAlive: keepAlive, username: username, password: password, will: will,
                             properties: properties)
    }

    func writeBody(to buffer: inout ByteBuffer, version _: MQTTProtocolVersion) throws(MQTTEncodeError) {
        try buffer.writeMQTTString("MQTT")
        buffer.writeInteger(version.rawValue)
        var flags: UInt8 = cleanStart ? 0x02 : 0
        if let will {
            flags |= 0x04 | (will.qos.rawValue << 3) | (will.retain ? 0x20 : 0)
        }
        if password != nil { flags |= 0x40 }
        if username != nil { flags |= 0x80 }
        buffer.writeInteger(flags)
        buffer.writeInteger(keepAlive)
        if version == .v5 { try properties.write(to: &buffer) }
        try buffer.writeMQTTString(clientID)
        if let will {
            if version == .v5 { try will.properties.write(to: &buffer) }
            try buffer.writeMQTTString(will.topic)
            try buffer.writeMQTTBinary(will.payload)
        }
        if let username { try buffer.writeMQTTString(username) }
        if let password { try buffer.writeMQTTBinary(password) }
    }
}
