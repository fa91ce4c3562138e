import Foundation
import NIOCore

// MARK: - Connecting, reconnecting, keep-alive

extension MQTTClient {
    /// One connection, with the 5.0 → 3.1.1 fallback when the version is automatic.
    func establish() async throws -> MQTTConnectionInfo {
        setState(.connecting)
        switch configuration.version {
        case let .only(version):
            return try await attempt(version)
        case .automatic:
            if let negotiatedVersion { return try await attempt(negotiatedVersion) }
            do {
                return try await attempt(.v5)
            } catch let error as MQTTClientError {
                switch error {
                case .connectionRefused(.unsupportedProtocolVersion, _), .disconnectedByServer(nil, nil):
                    logger.info("broker refused MQTT 5 (\(error)); trying 3.1.1")
                    return try await attempt(.v311)
                default:
                    throw error
                }
            }
        }
    }

    /// Opens a channel, sends CONNECT and waits for CONNACK.
    private func attempt(_ version: MQTTProtocolVersion) async throws -> MQTTConnectionInfo {
        connectionID += 1
        let id = connectionID
        self.version = version
        closeReason = nil
        info = nil
        incomingAliases = [:]
        let decoder = MQTTFrameDecoder(version: version, maximumPacketSize: configuration.maximumIncomingPacketSize)
        let channel = try await MQTTTransport.connect(
            host: configuration.host, port: configuration.port, sslContext: sslContext,
            timeout: configuration.connectTimeout, eventLoop: eventLoop,
            makeHandler: { [self] in MQTTChannelHandler(client: self, connectionID: id, decoder: decoder) })
        guard channel.isActive, id == connectionID, !userClosed else {
            channel.close(promise: nil)
            throw userClosed ? MQTTClientError.closed : (closeReason ?? .disconnectedByServer(nil, nil))
        }
        self.channel = channel
        readingPaused = false  // a new channel reads until its buffer fills
        do {
            try write(encode(.connect(connectPacket(version))), flush: true)
        } catch {
            channel.close(promise: nil)
            throw error
        }
        let result = try await withCheckedThrowingContinuation { continuation in
            connAckWaiter = continuation
            connAckTimeout = eventLoop.scheduleTask(in: .init(configuration.connectTimeout)) { [self] in
                assumeIsolated { $0.connAckTimedOut(connection: id) }
            }
        }
        return result
    }

    private func connectPacket(_ version: MQTTProtocolVersion) -> ConnectPacket {
        var properties = MQTTProperties()
        var will = configuration.will
        if version == .v5 {
            if configuration.sessionExpiry > 0 { properties.append(.sessionExpiryInterval(configuration.sessionExpiry)) }
            properties.append(.maximumPacketSize(UInt32(clamping: configuration.maximumIncomingPacketSize)))
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

    private func connAckTimedOut(connection id: Int) {
        guard id == connectionID, connAckWaiter != nil else { return }
        closeReason = closeReason ?? .connectTimeout
        channel?.close(promise: nil)
    }

    /// CONNACK: either the connection is refused, or the session is set up before any other packet is read.
    func handleConnAck(_ ack: ConnAckPacket) {
        connAckTimeout?.cancel()
        connAckTimeout = nil
        guard let waiter = connAckWaiter else {
            return protocolViolation(.protocolError, "unexpected second CONNACK")
        }
        guard ack.reasonCode.isSuccess else {
            closeReason = .connectionRefused(ack.reasonCode, ack.properties.reasonString)
            channel?.close(promise: nil)
            return
        }
        connAckWaiter = nil
        let props = ack.properties
        let keepAlive = props.serverKeepAlive ?? configuration.keepAlive
        let info = MQTTConnectionInfo(
            version: version, sessionPresent: ack.sessionPresent,
            clientID: props.assignedClientIdentifier ?? configuration.clientID, keepAlive: keepAlive,
            receiveMaximum: Int(props.receiveMaximum ?? UInt16.max),
            maximumPacketSize: props.maximumPacketSize.map(Int.init),
            retainAvailable: props.retainAvailable != 0,
            maximumQoS: props.maximumQoS.flatMap(MQTTQoS.init(rawValue:)) ?? .exactlyOnce,
            properties: props)
        self.info = info
        if configuration.version == .automatic { negotiatedVersion = version }
        connectedAt = .now()
        startKeepAlive(seconds: keepAlive, connection: connectionID)
        restoreSession(present: ack.sessionPresent)
        setState(.connected(info))
        waiter.resume(returning: info)
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
        channel?.flush()
        needsFlush = false
        wakeSlotWaiters()
    }

    // MARK: Losing the connection

    /// The channel closed: retry, or close for good.
    func connectionClosed(connection id: Int) {
        guard id == connectionID else { return }
        channel = nil
        keepAliveTask?.cancel()
        keepAliveTask = nil
        pingSentAt = nil
        flushBatch()
        let error = closeReason ?? .disconnectedByServer(nil, nil)
        if let waiter = connAckWaiter {
            connAckWaiter = nil
            connAckTimeout?.cancel()
            waiter.resume(throwing: error)
            return
        }
        let wasConnected = info != nil
        info = nil
        // Backoff starts over only after a connection that stayed up: one that fails soon after
        // its CONNACK (a bad packet every time) keeps growing the delay.
        if let connectedAt, NIODeadline.now() - connectedAt >= Self.healthyConnection { failedAttempts = 0 }
        connectedAt = nil
        failPendingRequests(error)
        guard !userClosed else { return }
        // Info, not a warning: the commands report reconnects themselves, and a run that got all
        // it asked for before the close has nothing to warn about.
        logger.info("connection lost: \(error)")
        if wasConnected, configuration.reconnect.enabled {
            reconnectTask = Task { await self.reconnectLoop(after: error) }
        } else {
            closeForGood(error)
        }
    }

    private func reconnectLoop(after firstError: MQTTClientError) async {
        var lastError = firstError
        while !userClosed, !Task.isCancelled {
            failedAttempts += 1
            let attempt = failedAttempts
            let delay = configuration.reconnect.delay(forAttempt: attempt)
            setState(.reconnecting(delay: delay, attempt: attempt, lastError: lastError))
            do {
                try await Task.sleep(for: delay)
            } catch {
                return
            }
            guard !userClosed else { return }
            do {
                _ = try await establish()
                return
            } catch {
                lastError = error as? MQTTClientError ?? .connectionFailed("\(error)")
            }
        }
    }

    /// Ends the client: fails what is waiting, reports the final state and ends `events`.
    func closeForGood(_ error: MQTTClientError?) {
        let failure = error ?? .closed
        channel = nil
        info = nil
        keepAliveTask?.cancel()
        keepAliveTask = nil
        failPendingRequests(failure)
        let flows = outgoing.values
        outgoing.removeAll()
        for flow in flows { flow.continuation?.resume(throwing: failure) }
        wakeSlotWaiters()
        if case .closed = state {} else { setState(.closed(error)) }
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

    private func startKeepAlive(seconds: UInt16, connection id: Int) {
        keepAliveTask?.cancel()
        pingSentAt = nil
        guard seconds > 0 else { return }
        let tick = TimeAmount.milliseconds(min(1000, Int64(seconds) * 250))
        keepAliveTask = eventLoop.scheduleRepeatedTask(initialDelay: tick, delay: tick) { [self] _ in
            assumeIsolated { $0.keepAliveTick(keepAlive: seconds, connection: id) }
        }
    }

    /// Pings when we have been quiet for most of the keep alive; gives up when the ping goes unanswered.
    private func keepAliveTick(keepAlive: UInt16, connection id: Int) {
        guard id == connectionID, channel != nil else { return }
        let now = NIODeadline.now()
        let interval = TimeAmount.seconds(Int64(keepAlive))
        if let sent = pingSentAt, !readingPaused {
            // The dead-connection timeout: the keep alive itself, at most 30 s and at least 2 s.
            let timeout = max(.seconds(2), min(interval, .seconds(30)))
            if now - sent > timeout {
                closeReason = closeReason ?? .keepAliveTimeout
                channel?.close(promise: nil)
            }
        } else if now - lastSend >= .nanoseconds(interval.nanoseconds * 3 / 4) {
            // Quiet for most of the keep alive: ping. With reading paused an earlier PINGRESP may
            // be unseen (its wait starts again when reading does); the broker must still hear
            // from us within its keep alive, so ping again all the same.
            if pingSentAt == nil { pingSentAt = now }
            sendControl(.pingreq, flush: true)
        }
    }

    // MARK: Events

    func setState(_ newState: MQTTConnectionState) {
        state = newState
        batch.append(.connectionState(newState))
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
        readingPaused = !on
        if on, pingSentAt != nil { pingSentAt = .now() }
        guard let channel else { return }
        channel.setOption(ChannelOptions.autoRead, value: on).whenComplete { _ in }
        if on { channel.read() }
    }
}
