import MQTT
import NIOConcurrencyHelpers
import NIOCore
import NIOEmbedded

/// The broker's side of in-memory connections: a client built with `client(_:)` opens each
/// channel here, on a loop whose clock only the test moves.
///
/// ```swift
/// let broker = InMemoryBroker()
/// let client = broker.client(configuration)
/// async let info = client.connect()
/// let connection = try await broker.nextConnection()
/// #expect(try await connection.receive() == .connect(...))
/// try await connection.send(.connack(ConnAckPacket()))
/// await broker.loop.advanceTime(by: .seconds(45))
/// ```
public final class InMemoryBroker: Sendable {
    public let loop = NIOAsyncTestingEventLoop()
    private let opened: AsyncStream<InMemoryConnection>
    private let openedContinuation: AsyncStream<InMemoryConnection>.Continuation
    private let refusals = NIOLockedValueBox(0)

    public init() {
        (opened, openedContinuation) = AsyncStream.makeStream()
    }

    /// A client on the testing loop whose channels open here.
    public func client(_ configuration: MQTTClientConfiguration) -> MQTTClient {
        let loop = loop
        let continuation = openedContinuation
        let refusals = refusals
        return MQTTClient(configuration: configuration, eventLoop: loop, opener: MQTTChannelOpener { _, install in
            let refused = refusals.withLockedValue { count in
                defer { count = max(0, count - 1) }
                return count > 0
            }
            if refused { throw TestSupportError("connection refused") }
            let channel = NIOAsyncTestingChannel(loop: loop)
            // The pipeline is set up on the loop, as a bootstrap's initializer would.
            try await loop.submit { try install(channel) }.get()
            try await channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1883)).get()
            continuation.yield(InMemoryConnection(channel: channel))
            return channel
        })
    }

    /// Makes the next `count` connection attempts fail, as a refused TCP connection does.
    public func refuseNext(_ count: Int) {
        refusals.withLockedValue { $0 += count }
    }

    /// The next channel a client opened.
    public func nextConnection() async throws -> InMemoryConnection {
        var iterator = opened.makeAsyncIterator()
        guard let connection = await iterator.next() else { throw TestSupportError("no more connections") }
        return connection
    }
}

/// One in-memory connection, seen from the broker: packets the client wrote, and packets to send it.
public struct InMemoryConnection: Sendable {
    public let channel: NIOAsyncTestingChannel

    /// The next packet the client wrote, decoded (waits for it).
    public func receive(version: MQTTProtocolVersion = .v5) async throws -> MQTTPacket {
        var buffer = try await channel.waitForOutboundWrite(as: ByteBuffer.self)
        var decoder = MQTTFrameDecoder(version: version)
        decoder.append(&buffer)
        guard let packet = try decoder.nextPacket() else { throw TestSupportError("partial packet written") }
        return packet
    }

    /// A packet the client wrote, if any is waiting.
    public func written(version: MQTTProtocolVersion = .v5) async throws -> MQTTPacket? {
        guard var buffer = try await channel.readOutbound(as: ByteBuffer.self) else { return nil }
        var decoder = MQTTFrameDecoder(version: version)
        decoder.append(&buffer)
        return try decoder.nextPacket()
    }

    /// Sends the client a packet, as one read.
    public func send(_ packet: MQTTPacket, version: MQTTProtocolVersion = .v5) async throws {
        var buffer = ByteBuffer()
        try packet.write(to: &buffer, version: version)
        try await channel.writeInbound(buffer)
    }

    /// Closes the connection from the broker's side.
    public func close() async throws {
        try await channel.close()
    }
}
