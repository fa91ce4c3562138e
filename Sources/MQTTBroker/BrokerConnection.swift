import MQTT
import NIOCore

/// One client connection: frames packets, answers the protocol, and hands routing to the core.
///
/// Runs on the broker's single event loop, like the core, so it calls the core directly.
final class BrokerConnection: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let core: BrokerCore
    private var context: ChannelHandlerContext?
    private var decoder: MQTTFrameDecoder
    private(set) var session: BrokerSession?
    private(set) var version: MQTTProtocolVersion = .v311
    /// Published by the core when the connection ends without a DISCONNECT.
    var will: MQTTWill?
    /// The topics this client's 5.0 topic aliases stand for.
    private var topicAliases: [UInt16: String] = [:]
    /// QoS 2 packet ids received on this connection and not yet released (Receive Maximum).
    private var qos2AwaitingRelease: Set<UInt16> = []
    private var lastReceived = NIODeadline.now()
    private var timer: RepeatedTask?
    private var closed = false
    private var needsFlush = false
    /// Bytes written since the last flush: a long burst is flushed as it goes, so unsent bytes
    /// never count against the socket's water mark (which is what drops QoS 0 messages).
    private var unflushedBytes = 0
    static let flushThreshold = 32 * 1024

    init(core: BrokerCore) {
        self.core = core
        decoder = MQTTFrameDecoder(version: .v311, maximumPacketSize: core.configuration.maximumPacketSize)
    }

    var isWritable: Bool { context?.channel.isWritable ?? false }
    var isOpen: Bool { !closed && context != nil }

    // MARK: Channel events

    func channelActive(context: ChannelHandlerContext) {
        begin(context)
        context.fireChannelActive()
    }

    /// Added to a channel that is already active (after a WebSocket upgrade): it begins now.
    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { begin(context) }
    }

    private func begin(_ context: ChannelHandlerContext) {
        guard self.context == nil else { return }
        self.context = context
        // A client has 10 s to send CONNECT.
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        context.eventLoop.scheduleTask(in: .seconds(10)) {
            if bound.value.session == nil { bound.value.close(reason: nil) }
        }
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !closed else { return }
        var incoming = unwrapInboundIn(data)
        lastReceived = .now()
        // A new connection must start with CONNECT: anything else (HTTP, TLS, noise) goes at once,
        // without waiting for a frame that may never complete.
        if session == nil, let first = incoming.getInteger(at: incoming.readerIndex, as: UInt8.self), first != 0x10 {
            return close(reason: nil)
        }
        decoder.append(&incoming)
        do {
            while !closed, let packet = try decoder.nextPacket() { handle(packet) }
        } catch {
            // Malformed input closes this client only.
            close(reason: error.reasonCode)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        core.flush()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        timer?.cancel()
        core.disconnected(self)
        self.context = nil
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        close(reason: nil)
    }

    // MARK: Packets

    private func handle(_ packet: MQTTPacket) {
        guard let session else {
            guard case let .connect(connect) = packet else { return close(reason: .protocolError) }
            return accept(connect)
        }
        switch packet {
        case let .publish(publish):
            received(publish, session: session)
        case let .publishAck(ack):
            switch ack.kind {
            case .puback, .pubcomp: core.acknowledged(ack.packetID, session: session)
            case .pubrec:
                core.released(ack.packetID, session: session)
                send(.publishAck(PublishAckPacket(.pubrel, packetID: ack.packetID)))
            case .pubrel:
                session.receivedQoS2.remove(ack.packetID)
                qos2AwaitingRelease.remove(ack.packetID)
                send(.publishAck(PublishAckPacket(.pubcomp, packetID: ack.packetID)))
            }
        case let .subscribe(subscribe):
            core.subscribe(subscribe, session: session, connection: self)
        case let .unsubscribe(unsubscribe):
            let codes = core.unsubscribe(unsubscribe.filters, session: session)
            send(.subscriptionAck(SubscriptionAckPacket(.unsuback, packetID: unsubscribe.packetID, reasonCodes: codes)))
        case .pingreq:
            send(.pingresp)
        case let .disconnect(disconnect):
            if let expiry = disconnect.properties.sessionExpiryInterval, version == .v5 {
                // A session that was to end with its connection cannot be kept now [MQTT-3.14.2-2].
                guard session.expiryInterval != 0 || expiry == 0 else { return close(reason: .protocolError) }
                session.expiryInterval = expiry
                session.isPersistent = expiry > 0
            }
            // A normal DISCONNECT discards the will; 5.0's "disconnect with will" keeps it.
            if disconnect.reasonCode != .disconnectWithWill { will = nil }
            close(reason: nil)
        case .connect, .connack, .subscriptionAck, .pingresp, .auth:
            close(reason: .protocolError)
        }
    }

    private func accept(_ connect: ConnectPacket) {
        version = connect.version
        decoder.version = connect.version
        guard let session = core.connect(connect, connection: self) else { return close(reason: nil) }
        self.session = session
        will = connect.will
        guard connect.keepAlive > 0, let context else { return }
        // Silence for 1.5 times the keep alive ends the connection [MQTT-3.1.2-24].
        let limit = TimeAmount.milliseconds(Int64(connect.keepAlive) * 1500)
        // Cancelled when the channel goes inactive, which ends the reference cycle.
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        timer = context.eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { _ in
            guard NIODeadline.now() - bound.value.lastReceived > limit else { return }
            bound.value.close(reason: .keepAliveTimeout)
        }
    }

    private func received(_ publish: PublishPacket, session: BrokerSession) {
        var publish = publish
        // A 5.0 topic alias belongs to this connection: resolved here, it is never routed,
        // forwarded or retained.
        if let alias = publish.properties.topicAlias {
            guard alias >= 1, alias <= core.configuration.topicAliasMaximum else { return close(reason: .topicAliasInvalid) }
            if publish.topic.isEmpty {
                guard let topic = topicAliases[alias] else { return close(reason: .protocolError) }
                publish.topic = topic
            } else if MQTTTopic.nameProblem(publish.topic) == nil {
                topicAliases[alias] = publish.topic
            }
            publish.properties.remove(.topicAlias)
        }
        guard MQTTTopic.nameProblem(publish.topic) == nil, MQTTTopic.levelCount(publish.topic) <= core.configuration.maximumTopicLevels else {
            return close(reason: .topicNameInvalid)
        }
        // Subscription identifiers are the broker's to send [MQTT-3.3.4-6].
        guard publish.properties.subscriptionIdentifiers.isEmpty else { return close(reason: .protocolError) }
        switch publish.qos {
        case .atMostOnce:
            core.route(publish, from: session)
        case .atLeastOnce:
            core.route(publish, from: session)
            send(.publishAck(PublishAckPacket(.puback, packetID: publish.packetID ?? 0)))
        case .exactlyOnce:
            let id = publish.packetID ?? 0
            // The quota counts this connection's unreleased messages (§4.9: it starts afresh on
            // each connection); the session remembers ids across connections, for exactly once.
            if version == .v5, !qos2AwaitingRelease.contains(id), qos2AwaitingRelease.count >= Int(core.configuration.effectiveReceiveMaximum) {
                return close(reason: .receiveMaximumExceeded)
            }
            qos2AwaitingRelease.insert(id)
            if session.receivedQoS2.insert(id).inserted { core.route(publish, from: session) }
            send(.publishAck(PublishAckPacket(.pubrec, packetID: id)))
        }
    }

    // MARK: Output

    /// Encodes and queues a packet; the core flushes at the end of the read burst. Returns false
    /// when the packet is larger than the client accepts (it is then not sent).
    @discardableResult
    func send(_ packet: MQTTPacket) -> Bool {
        guard !closed, let context else { return false }
        var buffer = context.channel.allocator.buffer(capacity: 64)
        do {
            try packet.write(to: &buffer, version: version, maximumPacketSize: session?.maximumPacketSize ?? Int.max)
        } catch {
            return false
        }
        unflushedBytes += buffer.readableBytes
        context.write(wrapOutboundOut(buffer), promise: nil)
        if unflushedBytes >= Self.flushThreshold {
            unflushedBytes = 0
            context.flush()
        } else if !needsFlush {
            needsFlush = true
            core.needsFlush(self)
        }
        return true
    }

    func flush() {
        guard needsFlush else { return }
        needsFlush = false
        unflushedBytes = 0
        context?.flush()
    }

    /// Closes the connection; in 5.0 a reason first goes out in a DISCONNECT.
    func close(reason: MQTTReasonCode?) {
        guard !closed, let context else { return }
        if let reason, version == .v5, session != nil {
            send(.disconnect(DisconnectPacket(reasonCode: reason)))
        }
        closed = true
        needsFlush = false
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(capacity: 0)), promise: nil)
        context.close(promise: nil)
    }
}
