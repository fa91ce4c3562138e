import NIOCore

/// Frames inbound bytes into packets and hands them to the client, on the channel's event loop.
///
/// The client actor runs on the same event loop, so each packet is handled synchronously:
/// reading never waits on anyone, and acks go out in the order packets arrived.
final class MQTTChannelHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let client: MQTTClient
    /// Identifies the connection, so a late event from an old channel is ignored.
    private let connectionID: Int
    private var decoder: MQTTFrameDecoder
    private var failed = false

    init(client: MQTTClient, connectionID: Int, decoder: MQTTFrameDecoder) {
        self.client = client
        self.connectionID = connectionID
        self.decoder = decoder
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !failed else { return }
        var incoming = unwrapInboundIn(data)
        decoder.append(&incoming)
        let id = connectionID
        do {
            while let packet = try decoder.nextPacket() {
                client.assumeIsolated { $0.received(packet, connection: id) }
            }
        } catch {
            failed = true
            client.assumeIsolated { $0.receivedMalformed(error, connection: id) }
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        QuickAck.request(on: context.channel)
        let id = connectionID
        client.assumeIsolated { $0.readBurstEnded(connection: id) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        let id = connectionID
        client.assumeIsolated { $0.connectionClosed(connection: id) }
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        let id = connectionID
        client.assumeIsolated { $0.channelFailed(error, connection: id) }
        context.close(promise: nil)
    }
}
