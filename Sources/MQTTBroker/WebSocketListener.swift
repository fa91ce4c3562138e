import MQTT
import NIOCore
import NIOHTTP1
import NIOWebSocket

/// The broker's MQTT-over-WebSockets listener: an HTTP upgrade at `/mqtt` with the `mqtt`
/// subprotocol (MQTT 5.0 §6), then the same connection handler as TCP, behind the frames handler.
enum WebSocketListener {
    static let path = "/mqtt"

    /// Sets up a new connection's pipeline: HTTP until the upgrade, MQTT after it.
    static func configure(_ channel: any Channel, core: NIOLoopBound<BrokerCore>) throws {
        let upgrader = NIOWebSocketServerUpgrader(
            maxFrameSize: 1 << 24,
            shouldUpgrade: { channel, head in
                let offersMQTT = head.headers[canonicalForm: "sec-websocket-protocol"].contains { $0.lowercased() == "mqtt" }
                guard URLPath(head.uri) == path, offersMQTT else { return channel.eventLoop.makeSucceededFuture(nil) }
                return channel.eventLoop.makeSucceededFuture(HTTPHeaders([("Sec-WebSocket-Protocol", "mqtt")]))
            },
            upgradePipelineHandler: { channel, _ in
                channel.eventLoop.makeCompletedFuture {
                    // Past the upgrade, the refusal of plain HTTP requests has no part left.
                    let refusal = try channel.pipeline.syncOperations.context(name: Refusal.name)
                    channel.pipeline.syncOperations.removeHandler(context: refusal, promise: nil)
                    try channel.pipeline.syncOperations.addHandler(MQTTWebSocketFrames(masking: false))
                    try channel.pipeline.syncOperations.addHandler(BrokerConnection(core: core.value))
                }
            })
        try channel.pipeline.syncOperations.configureHTTPServerPipeline(
            withServerUpgrade: (upgraders: [upgrader], completionHandler: { _ in }))
        try channel.pipeline.syncOperations.addHandler(Refusal(), name: Refusal.name)
    }

    /// The path of a request target, without its query.
    private static func URLPath(_ uri: String) -> Substring {
        uri.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
    }

    /// Answers a request that was not an MQTT upgrade, and closes.
    private final class Refusal: ChannelInboundHandler, RemovableChannelHandler {
        static let name = "hearth-ws-refusal"
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            guard case let .head(request) = unwrapInboundIn(data) else { return }
            let status: HTTPResponseStatus = URLPath(request.uri) == WebSocketListener.path ? .badRequest : .notFound
            var body = context.channel.allocator.buffer(capacity: 64)
            body.writeString(status == .notFound ? "MQTT over WebSockets is at \(WebSocketListener.path)\n"
                                                 : "an MQTT WebSocket upgrade with the mqtt subprotocol is expected here\n")
            let head = HTTPResponseHead(version: request.version, status: status,
                                        headers: HTTPHeaders([("Content-Length", "\(body.readableBytes)"), ("Connection", "close")]))
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(body))), promise: nil)
            let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
            context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in bound.value.close(promise: nil) }
        }
    }
}
