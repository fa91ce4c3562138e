import DequeModule
import Foundation
import Logging
import NIOCore
import NIOPosix
import NIOSSL
import OrderedCollections

/// Hearth's MQTT 3.1.1/5.0 client: an actor that runs on its channel's event loop.
///
/// ```swift
/// let client = MQTTClient(configuration: .init(host: "localhost"))
/// try await client.connect()
/// _ = try await client.subscribe([MQTTSubscription("home/#", retainAsPublished: true)])
/// for await event in client.events { ... }
/// ```
///
/// Socket reads never wait on the consumer of `events`: packets are decoded and acknowledged
/// on the event loop as they arrive, and messages are handed over in batches.
public actor MQTTClient {
    /// The broker and the policies this client was created with.
    public nonisolated let configuration: MQTTClientConfiguration
    /// The event loop that runs every channel of this client, and the actor itself.
    public nonisolated let eventLoop: any EventLoop
    /// The event loop's executor, so channel callbacks run on the actor without a hop.
    public nonisolated var unownedExecutor: UnownedSerialExecutor { eventLoop.executor.asUnownedSerialExecutor() }

    nonisolated let eventBuffer: MQTTEventBuffer
    /// Messages and connection-state changes, in order. One consumer at a time.
    public nonisolated var events: MQTTEventStream { MQTTEventStream(buffer: eventBuffer) }

    /// The connection as the UI shows it.
    public var state: MQTTConnectionState { machine.publicState }

    /// Stored apart from the configuration so the per-packet debug checks read it in place.
    nonisolated let logger: Logger
    /// Opens each channel: TCP or TLS sockets, or an in-memory channel in tests.
    nonisolated let opener: MQTTChannelOpener

    /// The connection's lifecycle: idle, connecting, connected, reconnecting or closed.
    var machine: StateMachine
    var sslContext: NIOSSLContext?
    var needsFlush = false
    var batch: [MQTTEvent] = []
    var batchTime: Date?

    // MARK: Session state (kept across reconnects)

    var subscriptions: OrderedDictionary<String, MQTTSubscription> = [:]
    var outgoing: OrderedDictionary<UInt16, OutgoingPublish> = [:]
    var incomingQoS2: Set<UInt16> = []
    /// SUBSCRIBE/UNSUBSCRIBE awaiting their ack; nil continuation for our own resubscribes.
    var pendingRequests: [UInt16: CheckedContinuation<SubscriptionAckPacket, any Error>?] = [:]
    var slotWaiters: Deque<CheckedContinuation<Void, Never>> = []
    var packetIDs = PacketIdentifierPool()

    /// A client that has not connected yet.
    ///
    /// - Parameters:
    ///   - configuration: the broker, the session and the client's policies.
    ///   - eventLoopGroup: the group whose next event loop runs the channel and this actor.
    public init(configuration: MQTTClientConfiguration,
                eventLoopGroup: any EventLoopGroup = MultiThreadedEventLoopGroup.singleton) {
        let opener = configuration.webSocket.map {
            MQTTTransport.webSocketOpener(host: configuration.host, port: configuration.port, tls: configuration.tls, options: $0,
                                          timeout: configuration.connectTimeout, maximumFrameSize: configuration.maximumIncomingPacketSize)
        } ?? MQTTTransport.socketOpener(host: configuration.host, port: configuration.port, timeout: configuration.connectTimeout)
        self.init(configuration: configuration, eventLoop: eventLoopGroup.next(), opener: opener)
    }

    /// A client whose channels come from `opener`, on `eventLoop` (tests use an in-memory
    /// channel and a manual clock).
    package init(configuration: MQTTClientConfiguration, eventLoop: any EventLoop, opener: MQTTChannelOpener) {
        self.configuration = configuration
        self.logger = configuration.logger
        self.eventLoop = eventLoop
        self.opener = opener
        self.machine = StateMachine(reconnect: configuration.reconnect, negotiates: configuration.version == .automatic)
        self.eventBuffer = MQTTEventBuffer(limit: configuration.deliveryBufferLimit, byteLimit: configuration.deliveryBufferBytes,
                                           pauseWhenFull: configuration.overflow == .pauseReading)
        // Resume reading (overflow `.pauseReading`) once the consumer has drained the buffer.
        weak let client = self
        eventBuffer.setDrainHandler {
            eventLoop.execute { client?.assumeIsolated { $0.setReading(true) } }
        }
    }
    // MARK: - Public API

    /// Connects, trying MQTT 5 first when the version is `.automatic`.
    ///
    /// Once connected, a lost connection is re-established automatically (if the reconnect policy
    /// allows), and `state` tells how. Connecting a connected client returns its current info.
    ///
    /// - Returns: what the broker's CONNACK granted.
    /// - Throws: `MQTTClientError` when the first connection fails.
    @discardableResult
    public func connect() async throws -> MQTTConnectionInfo {
        let (attempt, connection): (Int, Int)
        switch machine.connectRequested(version: firstVersion) {
        case let .alreadyConnected(info): return info
        case .inProgress: throw MQTTClientError.connectionInProgress
        case let .start(started, channel): (attempt, connection) = (started, channel)
        }
        report()
        do {
            if let tls = configuration.tls, sslContext == nil {
                sslContext = try MQTTTransport.makeSSLContext(tls)
            }
            return try await withTaskCancellationHandler {
                try await establish(connection, version: firstVersion)
            } onCancel: {
                Task { await self.cancelConnect(attempt) }
            }
        } catch {
            if Task.isCancelled {
                cancelConnect(attempt)
                throw CancellationError()
            }
            let error = MQTTTransport.classify(error, host: configuration.host, port: configuration.port)
            carryOut(machine.attemptFailed(error, attempt: attempt, reconnecting: false))
            throw error
        }
    }

    /// Publishes a message; returns when its QoS flow completes (PUBACK, or PUBREC/PUBREL/PUBCOMP).
    ///
    /// QoS 1 and 2 publishes wait for a slot within the broker's Receive Maximum.
    ///
    /// - Parameters:
    ///   - topic: the topic name (no wildcards).
    ///   - payload: the bytes to send.
    ///   - qos: the delivery guarantee, at most the broker's Maximum QoS.
    ///   - retain: whether the broker keeps it as the topic's retained value (an empty payload clears it).
    ///   - properties: MQTT 5 properties; dropped on 3.1.1.
    /// - Throws: `MQTTClientError` (not connected, invalid topic, refused, too large), or
    ///   `CancellationError` when the task is cancelled while waiting.
    public func publish(
        to topic: String, payload: [UInt8], qos: MQTTQoS = .atMostOnce, retain: Bool = false,
        properties: MQTTProperties = []
    ) async throws {
        if let problem = MQTTTopic.sendingProblem(topic) { throw MQTTClientError.invalidTopic(topic, problem) }
        let info = try requireConnection()
        if retain, !info.retainAvailable { throw MQTTClientError.retainNotAvailable }
        if qos > info.maximumQoS { throw MQTTClientError.qosNotSupported(info.maximumQoS) }
        var packet = PublishPacket(topic: topic, payload: payload, qos: qos, retain: retain,
                                   properties: info.version == .v5 ? properties : [])
        guard qos != .atMostOnce else {
            try write(encode(.publish(packet)), flush: true)
            return
        }
        while outgoing.count >= (machine.info?.receiveMaximum ?? 1) {
            try Task.checkCancellation()
            await withTaskCancellationHandler {
                await withCheckedContinuation { slotWaiters.append($0) }
            } onCancel: {
                Task { await self.wakeSlotWaiters() }
            }
        }
        _ = try requireConnection()
        let id = try allocatePacketID()
        packet.packetID = id
        let bytes = try encode(.publish(packet))
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard !Task.isCancelled else { return continuation.resume(throwing: CancellationError()) }
                outgoing[id] = OutgoingPublish(packet: packet, continuation: continuation)
                write(bytes, flush: true)
            }
        } onCancel: {
            Task { await self.cancelPublish(id) }
        }
    }

    /// Subscribes to filters.
    ///
    /// Subscriptions the broker granted are remembered and made again after a reconnect that lost the session.
    ///
    /// - Parameters:
    ///   - requested: the filters and their options.
    ///   - properties: MQTT 5 properties (a subscription identifier, user properties); dropped on 3.1.1.
    /// - Returns: the broker's reason code for each subscription, in order.
    /// - Throws: `MQTTClientError` (not connected, invalid filter), or `CancellationError`.
    @discardableResult
    public func subscribe(_ requested: [MQTTSubscription], properties: MQTTProperties = []) async throws -> [MQTTReasonCode] {
        for subscription in requested {
            if let problem = MQTTTopic.filterProblem(subscription.filter) {
                throw MQTTClientError.invalidTopic(subscription.filter, problem)
            }
        }
        let info = try requireConnection()
        let id = try allocatePacketID()
        let packet = SubscribePacket(packetID: id, subscriptions: requested,
                                     properties: info.version == .v5 ? properties : [])
        let ack = try await request(id, .subscribe(packet))
        for (subscription, code) in zip(requested, ack.reasonCodes) where code.isSuccess {
            subscriptions[subscription.filter] = subscription
        }
        return ack.reasonCodes
    }

    /// Unsubscribes from filters.
    ///
    /// - Parameter filters: the filters, as they were subscribed.
    /// - Returns: the broker's reason codes (empty on 3.1.1, which has none).
    /// - Throws: `MQTTClientError` (not connected, invalid filter), or `CancellationError`.
    @discardableResult
    public func unsubscribe(_ filters: [String]) async throws -> [MQTTReasonCode] {
        for filter in filters {
            if let problem = MQTTTopic.filterProblem(filter) {
                throw MQTTClientError.invalidTopic(filter, problem)
            }
        }
        _ = try requireConnection()
        let id = try allocatePacketID()
        let ack = try await request(id, .unsubscribe(UnsubscribePacket(packetID: id, filters: filters)))
        for filter in filters { subscriptions.removeValue(forKey: filter) }
        return ack.reasonCodes
    }

    /// Sends DISCONNECT, closes the connection, stops reconnecting and ends `events`.
    public func disconnect() async {
        await close(sendingDisconnect: true)
    }

    /// Closes the connection without DISCONNECT, as a crash or a lost network would, so the
    /// broker publishes the will. Stops reconnecting and ends `events`.
    public func abandon() async {
        await close(sendingDisconnect: false)
    }

    /// The task waiting in `connect()` was cancelled: the attempt ends, and so does the client.
    private func cancelConnect(_ attempt: Int) {
        guard machine.currentAttempt == attempt else { return }
        let action = machine.closeRequested()
        action.connAck?.resume(throwing: CancellationError())
        finish(nil)
        action.channel?.close(promise: nil)
    }

    private func close(sendingDisconnect: Bool) async {
        guard !machine.isClosed else { return }
        // Encoded while the connection's version and limits are still known.
        let disconnect = try? encode(.disconnect(DisconnectPacket()))
        let action = machine.closeRequested()
        action.connAck?.resume(throwing: MQTTClientError.closed)
        finish(nil)
        if let channel = action.channel {
            if sendingDisconnect, action.sayDisconnect, let disconnect {
                try? await channel.writeAndFlush(disconnect).get()
            }
            try? await channel.close()
        }
    }

    // MARK: - Helpers shared by the API

    func requireConnection() throws -> MQTTConnectionInfo {
        guard let info = machine.info else { throw MQTTClientError.notConnected }
        return info
    }

    func allocatePacketID() throws -> UInt16 {
        let id = packetIDs.allocate { outgoing[$0] != nil || pendingRequests[$0] != nil }
        guard let id else { throw MQTTClientError.packetIdentifiersExhausted }
        return id
    }

    /// Sends SUBSCRIBE or UNSUBSCRIBE and waits for the matching ack (or the task's cancellation).
    func request(_ id: UInt16, _ packet: MQTTPacket) async throws -> SubscriptionAckPacket {
        let bytes = try encode(packet)
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                guard !Task.isCancelled else { return continuation.resume(throwing: CancellationError()) }
                pendingRequests[id] = continuation
                write(bytes, flush: true)
            }
        } onCancel: {
            Task { await self.cancelRequest(id) }
        }
    }

    /// A cancelled SUBSCRIBE or UNSUBSCRIBE: its waiter ends now; a late ack is ignored.
    private func cancelRequest(_ id: UInt16) {
        guard case let waiter?? = pendingRequests[id] else { return }
        pendingRequests[id] = nil
        waiter.resume(throwing: CancellationError())
    }

    /// A cancelled QoS 1/2 publish: its waiter ends now. The PUBLISH was sent, so the flow keeps
    /// its packet id and Receive Maximum slot until the broker acknowledges it.
    private func cancelPublish(_ id: UInt16) {
        guard let continuation = outgoing[id]?.continuation else { return }
        outgoing[id]?.continuation = nil
        continuation.resume(throwing: CancellationError())
    }

    /// Encodes for the current connection, within the broker's Maximum Packet Size.
    func encode(_ packet: MQTTPacket) throws -> ByteBuffer {
        logger.debug("sending \(packet.type)")
        var buffer = machine.channel?.allocator.buffer(capacity: 64) ?? ByteBuffer()
        do {
            try packet.write(to: &buffer, version: machine.version ?? .v5,
                             maximumPacketSize: machine.info?.maximumPacketSize ?? Int.max)
        } catch {
            throw MQTTClientError(error)
        }
        return buffer
    }

    func write(_ bytes: ByteBuffer, flush: Bool) {
        guard let channel = machine.channel else { return }
        machine.sent(at: eventLoop.now)
        if flush {
            channel.writeAndFlush(bytes, promise: nil)
            needsFlush = false
        } else {
            channel.write(bytes, promise: nil)
            needsFlush = true
        }
    }

    /// Encodes and writes a packet the protocol requires (acks, pings); failures are logged.
    func sendControl(_ packet: MQTTPacket, flush: Bool = false) {
        do {
            try write(encode(packet), flush: flush)
        } catch {
            logger.warning("could not send \(packet.type): \(error)")
        }
    }
}
