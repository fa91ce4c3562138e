import MQTT
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix

/// A fake MQTT server on a loopback port that answers each client packet with scripted raw bytes.
///
/// It lets tests send what no real broker would: malformed lengths, QoS 3, invalid UTF-8.
///
/// ```swift
/// let server = try await ScriptedMQTTServer.start { packet, version in
///     if case .connect = packet { return [ScriptedMQTTServer.connAck(version)] + [garbage] }
///     return []
/// }
/// ```
public final class ScriptedMQTTServer: Sendable {
    public typealias Script = @Sendable (MQTTPacket, MQTTProtocolVersion) -> [ByteBuffer]

    private let channel: any Channel
    private let log: NIOLockedValueBox<[MQTTPacket]>
    private let connectionCount: NIOLockedValueBox<Int>

    public var port: Int { channel.localAddress?.port ?? 0 }
    /// Every packet received from clients, in order.
    public var received: [MQTTPacket] { log.withLockedValue { $0 } }
    /// How many TCP connections were accepted.
    public var connections: Int { connectionCount.withLockedValue { $0 } }

    private init(channel: any Channel, log: NIOLockedValueBox<[MQTTPacket]>, connections: NIOLockedValueBox<Int>) {
        self.channel = channel
        self.log = log
        self.connectionCount = connections
    }

    public static func start(script: @escaping Script) async throws -> ScriptedMQTTServer {
        let log = NIOLockedValueBox<[MQTTPacket]>([])
        let connections = NIOLockedValueBox(0)
        let channel = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { child in
                connections.withLockedValue { $0 += 1 }
                return child.eventLoop.makeCompletedFuture {
                    try child.pipeline.syncOperations.addHandler(ScriptHandler(script: script, log: log))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return ScriptedMQTTServer(channel: channel, log: log, connections: connections)
    }

    public func stop() async {
        try? await channel.close()
    }

    /// A successful CONNACK in the given version.
    public static func connAck(_ version: MQTTProtocolVersion, sessionPresent: Bool = false,
                               properties: MQTTProperties = []) -> ByteBuffer {
        // Encoding a well-formed CONNACK cannot fail.
        (try? MQTTPacket.connack(ConnAckPacket(sessionPresent: sessionPresent, properties: properties))
            .encoded(version: version)) ?? ByteBuffer()
    }

    /// Raw bytes, for packets no encoder would produce.
    public static func bytes(_ bytes: [UInt8]) -> ByteBuffer { ByteBuffer(bytes: bytes) }

    /// A packet as a well-behaved peer encodes it.
    public static func packet(_ packet: MQTTPacket, _ version: MQTTProtocolVersion) -> ByteBuffer {
        (try? packet.encoded(version: version)) ?? ByteBuffer()
    }

    /// In a reply: close the connection once what came before it is sent.
    public static let close = ByteBuffer()
}

private final class ScriptHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    let script: ScriptedMQTTServer.Script
    let log: NIOLockedValueBox<[MQTTPacket]>
    var decoder = MQTTFrameDecoder(version: .v5)

    init(script: @escaping ScriptedMQTTServer.Script, log: NIOLockedValueBox<[MQTTPacket]>) {
        self.script = script
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var incoming = unwrapInboundIn(data)
        decoder.append(&incoming)
        do {
            while let packet = try decoder.nextPacket() {
                if case let .connect(connect) = packet { decoder.version = connect.version }
                log.withLockedValue { $0.append(packet) }
                for reply in script(packet, decoder.version) {
                    guard reply.readableBytes > 0 else {
                        context.flush()
                        context.close(promise: nil)
                        return
                    }
                    context.write(wrapOutboundOut(reply), promise: nil)
                }
                context.flush()
            }
        } catch {
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        context.close(promise: nil)
    }
}
