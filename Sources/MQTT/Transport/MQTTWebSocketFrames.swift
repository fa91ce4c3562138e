import NIOCore
import NIOWebSocket

/// MQTT over WebSockets (MQTT 5.0 §6): MQTT bytes travel in binary frames. A packet may span
/// frames and a frame may hold several packets, so inbound frames are passed on as plain bytes
/// for the MQTT framing to cut; outbound bytes go out as one binary frame per write. Pings are
/// answered, a close is answered and ends the channel, and a text frame is a protocol error.
package final class MQTTWebSocketFrames: ChannelDuplexHandler {
    package typealias InboundIn = WebSocketFrame
    package typealias InboundOut = ByteBuffer
    package typealias OutboundIn = ByteBuffer
    package typealias OutboundOut = WebSocketFrame

    /// Clients mask what they send; servers do not (RFC 6455 §5.3).
    private let masking: Bool
    private var closing = false

    package init(masking: Bool) {
        self.masking = masking
    }

    package func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let frame = unwrapInboundIn(data)
        switch frame.opcode {
        case .binary, .continuation:
            context.fireChannelRead(wrapInboundOut(frame.unmaskedData))
        case .ping:
            guard !closing else { return }
            let pong = WebSocketFrame(fin: true, opcode: .pong, maskKey: maskKey(), data: frame.unmaskedData)
            context.writeAndFlush(wrapOutboundOut(pong), promise: nil)
        case .pong:
            break
        case .connectionClose:
            // Answered with the same status, then the connection ends.
            guard !closing else { return context.close(promise: nil) }
            sendClose(frame.unmaskedData.getInteger(at: frame.unmaskedData.readerIndex, as: UInt16.self) ?? 1000, context: context)
        default:
            // Text frames (and unknown opcodes) are not MQTT: close with 1002 (protocol error).
            guard !closing else { return }
            sendClose(1002, context: context)
        }
    }

    package func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let bytes = unwrapOutboundIn(data)
        context.write(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .binary, maskKey: maskKey(), data: bytes)), promise: promise)
    }

    package func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        // A clean close sends a close frame first (1000: normal closure).
        guard mode == .all, !closing, context.channel.isActive else { return context.close(mode: mode, promise: promise) }
        sendClose(1000, context: context, mode: mode, promise: promise)
    }

    /// Sends a close frame with `status`, then closes the channel.
    private func sendClose(_ status: UInt16, context: ChannelHandlerContext, mode: CloseMode = .all, promise: EventLoopPromise<Void>? = nil) {
        closing = true
        var data = context.channel.allocator.buffer(capacity: 2)
        data.writeInteger(status)
        let bound = NIOLoopBound(context, eventLoop: context.eventLoop)
        context.writeAndFlush(wrapOutboundOut(WebSocketFrame(fin: true, opcode: .connectionClose, maskKey: maskKey(), data: data)))
            .whenComplete { _ in bound.value.close(mode: mode, promise: promise) }
    }

    private func maskKey() -> WebSocketMaskingKey? {
        masking ? .random() : nil
    }
}
