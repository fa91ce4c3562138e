import Foundation
import NIOCore

// MARK: - Connecting, reconnecting, keep-alive (carrying out what the state machine decides)

extension MQTTClient {
    /// The version a new attempt speaks first: the configured one, or the one that worked.
    var firstVersion: MQTTProtocolVersion {
        switch configuration.version {
        case let .only(version): return version
        case .automatic: return machine.negotiatedVersion ?? .v5
        }
    }

    /// How long a first MQTT 5.0 CONNECT waits for its CONNACK before 3.1.1 is tried: a broker
    /// that speaks only 3.1.1 may never answer 5.0 at all (amqtt), where others refuse or close.
    static let silentVersionTimeout = Duration.milliseconds(1_500)

    /// Whether this attempt is the automatic version's first try of 5.0 (nothing has worked yet).
    private func probesVersion(_ version: MQTTProtocolVersion) -> Bool {
        version == .v5 && configuration.version == .automatic && machine.negotiatedVersion == nil
    }

    /// One connection on channel number `connection`, with the 5.0 → 3.1.1 fallback while the
    /// automatic version has not found one that works: on a refusal, a close, or silence. What
    /// works is kept for the reconnects.
    func establish(_ connection: Int, version: MQTTProtocolVersion) async throws -> MQTTConnectionInfo {
        do {
            return try await attempt(connection, version: version)
        } catch let error as MQTTClientError where probesVersion(version) {
            switch error {
            case .connectionRefused(.unsupportedProtocolVersion, _), .disconnectedByServer(nil, _):
                logger.info("broker refused MQTT 5 (\(error)); trying 3.1.1")
            case .connectTimeout:
                logger.warning("\(configuration.host):\(configuration.port) did not answer MQTT 5.0 within \(Self.silentVersionTimeout); speaking MQTT 3.1.1")
            default:
                throw error
            }
            guard let next = machine.fallBack(from: connection) else { throw MQTTClientError.closed }
            return try await attempt(next, version: .v311)
        }
    }

    /// Opens channel number `id`, sends CONNECT and waits for CONNACK.
    private func attempt(_ id: Int, version: MQTTProtocolVersion) async throws -> MQTTConnectionInfo {
        let decoder = MQTTFrameDecoder(version: version, maximumPacketSize: configuration.maximumIncomingPacketSize)
        // Over WebSockets, TLS sits below HTTP and the opener puts it there.
        let sslContext = configuration.webSocket == nil ? sslContext : nil
        let serverHostname = MQTTTransport.isIPAddress(configuration.host) ? nil : configuration.host
        let channel: any Channel
        do {
            channel = try await opener.open(eventLoop) { [self] channel in
                try MQTTTransport.install(on: channel, sslContext: sslContext, serverHostname: serverHostname,
                                          handler: MQTTChannelHandler(client: self, connectionID: id, decoder: decoder))
            }
        } catch {
            throw MQTTTransport.classify(error, host: configuration.host, port: configuration.port)
        }
        switch machine.channelOpened(channel, connection: id) {
        case let .abandon(error):
            channel.close(promise: nil)
            throw error
        case .sendConnect:
            break
        }
        do {
            try write(encode(.connect(connectPacket(version))), flush: true)
        } catch {
            channel.close(promise: nil)
            throw error
        }
        return try await withCheckedThrowingContinuation { continuation in
            let wait = probesVersion(version) ? min(configuration.connectTimeout, Self.silentVersionTimeout) : configuration.connectTimeout
            let timeout = eventLoop.scheduleTask(in: .init(wait)) { [self] in
                assumeIsolated { client in
                    if let channel = client.machine.connAckTimedOut(connection: id) { channel.close(promise: nil) }
                }
            }
            machine.awaitConnAck(continuation, timeout: timeout)
        }
    }

    private func connectPacket(_ version: MQTTProtocolVersion) -> ConnectPacket {
        var properties = MQTTProperties()
        var will = configuration.will
        if version == .v5 {
            if configuration.sessionExpiry > 0 { properties.append(.sessionExpiryInterval(configuration.sessionExpiry)) }
            // Without the property the broker may send any packet the protocol can frame.
            if configuration.maximumIncomingPacketSize < MQTTFrameDecoder.protocolMaximumPacketSize {
                properties.append(.maximumPacketSize(UInt32(clamping: configuration.maximumIncomingPacketSize)))
            }
            if configuration.topicAliasMaximum > 0 {
                properties.append(.topicAliasMaximum(configuration.topicAliasMaximum))
            }
        } else {
            will?.properties = []
        }
        return ConnectPacket(version: version, clientID: configuration.clientID, cleanStart: configuration.cleanStart,
                             keepAlive: configuration.keepAlive, username: configuration.username,
                             password: configuration.password, will: will, properties: properties)
    }

    /// CONNACK: either the connection is refused, or the session is set up before any other packet is read.
    func handleConnAck(_ ack: ConnAckPacket, connection id: Int) {
        let props = ack.properties
        let keepAlive = props.serverKeepAlive ?? configuration.keepAlive
        let info = MQTTConnectionInfo(
            version: machine.version ?? .v5, sessionPresent: ack.sessionPresent,
            clientID: props.assignedClientIdentifier ?? configuration.clientID, keepAlive: keepAlive,
            receiveMaximum: Int(props.receiveMaximum ?? UInt16.max),
            maximumPacketSize: props.maximumPacketSize.map(Int.init),
            retainAvailable: props.retainAvailable != 0,
            maximumQoS: props.maximumQoS.flatMap(MQTTQoS.init(rawValue:)) ?? .exactlyOnce,
            properties: props)
        let refusal = ack.reasonCode.isSuccess ? nil : MQTTClientError.connectionRefused(ack.reasonCode, reasonString: props.reasonString)
        switch machine.connAckReceived(info, refusal: refusal, now: eventLoop.now, keepAlive: .seconds(Int64(keepAlive))) {
        case .unexpected:
            protocolViolation(.unexpectedConnAck)
        case let .refused(channel):
            channel.close(promise: nil)
        case let .connected(waiter):
            machine.keepAliveStarted(startKeepAlive(seconds: keepAlive, connection: id))
            restoreSession(present: ack.sessionPresent)
            report()
            waiter.resume(returning: info)
        }
    }

    /// Resends what the broker kept for us, or starts over when it kept nothing [MQTT-4.4.0-1].
    private func restoreSession(present: Bool) {
        if !present {
            incomingQoS2.removeAll()
            // A QoS 2 publish past PUBREC was received by the broker: it is done.
            for (id, flow) in outgoing where flow.awaitingPubcomp {
                outgoing.removeValue(forKey: id)
                flow.continuation?.resume()
            }
        }
        for (id, flow) in outgoing {
            if flow.awaitingPubcomp {
                sendControl(.publishAck(PublishAckPacket(.pubrel, packetID: id)))
            } else {
                var packet = flow.packet
                packet.dup = present
                sendControl(.publish(packet))
            }
        }
        if !present, !subscriptions.isEmpty, let id = try? allocatePacketID() {
            let packet = SubscribePacket(packetID: id, subscriptions: Array(subscriptions.values))
            pendingRequests[id] = .some(nil)
            batch.append(.resubscribing)
            flushBatch()
            sendControl(.subscribe(packet))
            logger.info("resubscribed to \(subscriptions.count) filter(s)")
        }
        machine.channel?.flush()
        needsFlush = false
        wakeSlotWaiters()
    }

    // MARK: Losing the connection

    /// The channel closed: retry, or close for good.
    func connectionClosed(connection id: Int) {
        flushBatch()
        let action = machine.channelClosed(connection: id, now: eventLoop.now)
        switch action {
        case let .reconnect(_, _, error), let .closeForGood(error):
            // Info, not a warning: the commands report reconnects themselves, and a run that got
            // all it asked for before the close has nothing to warn about.
            logger.info("connection lost: \(error)")
        case .none, .failAttempt:
            break
        }
        carryOut(action)
    }

    /// Does what the state machine decided when a connection or an attempt ended.
    func carryOut(_ action: StateMachine.ClosedAction) {
        switch action {
        case .none:
            return
        case let .failAttempt(waiter, error):
            waiter?.resume(throwing: error)
        case let .reconnect(delay, _, error):
            failPendingRequests(error)
            report()
            let timer = eventLoop.scheduleTask(in: .init(delay)) { [self] in
                assumeIsolated { client in
                    // The attempt starts now, in the state machine; the task only carries it out.
                    guard let (attempt, connection) = client.machine.reconnectDue(version: client.firstVersion) else { return }
                    client.report()
                    Task { await client.reconnect(attempt: attempt, connection: connection) }
                }
            }
            machine.reconnectScheduled(timer)
        case let .closeForGood(error):
            finish(error)
        }
    }

    /// One reconnect attempt; a failure schedules the next.
    private func reconnect(attempt: Int, connection: Int) async {
        do {
            _ = try await establish(connection, version: firstVersion)
        } catch {
            let error = MQTTTransport.classify(error, host: configuration.host, port: configuration.port)
            carryOut(machine.attemptFailed(error, attempt: attempt, reconnecting: true))
        }
    }

    /// The state machine is already closed.
    func finish(_ error: MQTTClientError?) {
        let failure = error ?? .closed
        failPendingRequests(failure)
        let flows = outgoing.values
        outgoing.removeAll()
        for flow in flows { flow.continuation?.resume(throwing: failure) }
        wakeSlotWaiters()
        report()
        eventBuffer.finish()
    }

    private func failPendingRequests(_ error: MQTTClientError) {
        let pending = pendingRequests.values
        pendingRequests.removeAll()
        for case let continuation? in pending { continuation.resume(throwing: error) }
    }

    func wakeSlotWaiters() {
        let waiters = slotWaiters
        slotWaiters.removeAll()
        for waiter in waiters { waiter.resume() }
    }

    // MARK: Keep-alive

    private func startKeepAlive(seconds: UInt16, connection id: Int) -> RepeatedTask? {
        guard seconds > 0 else { return nil }
        let tick = TimeAmount.milliseconds(min(1000, Int64(seconds) * 250))
        return eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { [self] _ in
            assumeIsolated { $0.keepAliveTick(connection: id) }
        }
    }

    private func keepAliveTick(connection id: Int) {
        switch machine.keepAliveTick(connection: id, now: eventLoop.now) {
        case .none: break
        case .ping: sendControl(.pingreq, flush: true)
        case .timedOut: machine.channel?.close(promise: nil)
        }
    }

    // MARK: Events

    /// Hands the state machine's new state to the consumer of `events`.
    func report() {
        batch.append(.connectionState(machine.publicState))
        flushBatch()
    }

    func flushBatch() {
        guard !batch.isEmpty else { return }
        let (dropped, full) = eventBuffer.append(batch)
        if dropped > 0 { logger.debug("consumer behind: dropped \(dropped) message(s)") }
        if full { setReading(false) }
        batch.removeAll(keepingCapacity: true)
        batchTime = nil
    }

    /// Pauses or resumes reading the socket (overflow policy `.pauseReading`).
    func setReading(_ on: Bool) {
        guard let channel = machine.readingChanged(to: on, now: eventLoop.now) else { return }
        channel.setOption(ChannelOptions.autoRead, value: on).whenComplete { _ in }
        if on { channel.read() }
    }
}
