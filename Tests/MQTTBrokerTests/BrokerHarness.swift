import MQTT
@testable import MQTTBroker
import NIOCore
import NIOEmbedded

/// The broker's core on an `EmbeddedEventLoop` (a clock the test moves), with each client an
/// `EmbeddedChannel`: packets in, packets out, no sockets and no waiting.
final class BrokerHarness {
    let loop = EmbeddedEventLoop()
    let core: BrokerCore

    init(_ change: (inout BrokerConfiguration) -> Void = { _ in }) {
        var configuration = BrokerConfiguration(port: 0)
        change(&configuration)
        core = BrokerCore(configuration: configuration, eventLoop: loop, retained: RetainedStore())
    }

    /// A connected client that has sent CONNECT (and read its CONNACK, returned).
    func client(_ id: String, version: MQTTProtocolVersion = .v5, cleanStart: Bool = true, properties: MQTTProperties = [],
                will: MQTTWill? = nil) throws -> (HarnessClient, ConnAckPacket?) {
        let client = try HarnessClient(core: core, loop: loop, version: version)
        try client.send(.connect(ConnectPacket(version: version, clientID: id, cleanStart: cleanStart, keepAlive: 0, will: will,
                                               properties: properties)))
        let connack = try client.received().compactMap { packet -> ConnAckPacket? in
            if case let .connack(ack) = packet { return ack }
            return nil
        }.first
        return (client, connack)
    }

    /// Moves the broker's clock.
    func advance(by amount: TimeAmount) {
        loop.advanceTime(by: amount)
    }
}

/// One client of a `BrokerHarness`.
final class HarnessClient {
    let channel: EmbeddedChannel
    private var decoder: MQTTFrameDecoder
    let version: MQTTProtocolVersion

    init(core: BrokerCore, loop: EmbeddedEventLoop, version: MQTTProtocolVersion) throws {
        channel = EmbeddedChannel(handler: BrokerConnection(core: core), loop: loop)
        decoder = MQTTFrameDecoder(version: version)
        self.version = version
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
    }

    func send(_ packet: MQTTPacket) throws {
        var buffer = ByteBuffer()
        try packet.write(to: &buffer, version: version)
        try channel.writeInbound(buffer)
    }

    /// Every packet the broker wrote to this client since the last call.
    func received() throws -> [MQTTPacket] {
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { decoder.append(&buffer) }
        var packets: [MQTTPacket] = []
        while let packet = try decoder.nextPacket() { packets.append(packet) }
        return packets
    }

    /// The PUBLISHes among `received()`.
    func publishes() throws -> [PublishPacket] {
        try received().compactMap { packet in
            if case let .publish(publish) = packet { return publish }
            return nil
        }
    }

    var isOpen: Bool { channel.isActive }
}
