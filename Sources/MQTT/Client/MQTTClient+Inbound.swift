import Foundation
import NIOCore

// MARK: - Packets from the broker (called by MQTTChannelHandler on the event loop)

extension MQTTClient {
    func received(_ packet: MQTTPacket, connection id: Int) {
        guard machine.isCurrent(id) else { return }
        logger.debug("received \(packet.type)")
        if machine.isAwaitingConnAck {
            guard case let .connack(ack) = packet else {
                logger.error("received \(packet.type) before CONNACK")
                return closeWithReason(.notMQTT(host: configuration.host, port: configuration.port), code: .protocolError)
            }
            return handleConnAck(ack, connection: id)
        }
        switch packet {
        case let .publish(publish):
            handleIncomingPublish(publish)
        case let .publishAck(ack):
            handlePublishAck(ack)
        case let .subscriptionAck(ack):
            guard let waiter = pendingRequests.removeValue(forKey: ack.packetID) else {
                logger.debug("ignoring \(ack.packetType) for unknown packet id \(ack.packetID)")
                return
            }
            if let waiter { waiter.resume(returning: ack) } else { reportResubscribe(ack) }
        case .pingresp:
            machine.pingAnswered()
        case let .disconnect(disconnect):
            machine.recordFailure(.disconnectedByServer(disconnect.reasonCode, reasonString: disconnect.properties.reasonString))
            machine.channel?.close(promise: nil)
        case .connack:
            protocolViolation(.unexpectedConnAck)
        case .connect, .subscribe, .unsubscribe, .pingreq, .auth:
            protocolViolation(.unexpectedPacket(packet.type))
        }
    }

    /// Bytes that are not MQTT: say why in a v5 DISCONNECT, then close [MQTT-4.13].
    func receivedMalformed(_ error: MQTTDecodeError, connection id: Int) {
        guard machine.isCurrent(id) else { return }
        logger.error("malformed packet from the broker: \(error)")
        // Where a CONNACK should start, bytes of another protocol ("HTTP/1.1 400" reads as a
        // PUBACK with bad flags; a TLS alert as a CONNECT).
        if machine.isAwaitingConnAck, Self.isForeign(error) {
            return closeWithReason(.notMQTT(host: configuration.host, port: configuration.port), code: error.reasonCode)
        }
        closeWithReason(.protocolError(error), code: error.reasonCode)
    }

    /// Whether `error`, where a CONNACK should start, shows another protocol's bytes rather than
    /// a broken CONNACK.
    private static func isForeign(_ error: MQTTDecodeError) -> Bool {
        switch error {
        // A CONNACK's first byte is 0x20: one with other flags (Redis's "+OK") is not one.
        case .invalidFlags, .invalidPacketType, .packetTooLarge, .remainingLengthTooLong: return true
        default: return false
        }
    }

    func protocolViolation(_ violation: MQTTProtocolViolation) {
        logger.error("protocol violation by the broker: \(violation)")
        closeWithReason(.protocolViolation(violation), code: violation.reasonCode)
    }

    private func closeWithReason(_ error: MQTTClientError, code: MQTTReasonCode) {
        machine.recordFailure(error)
        if machine.version == .v5 {
            sendControl(.disconnect(DisconnectPacket(reasonCode: code)), flush: true)
        }
        machine.channel?.close(promise: nil)
    }

    func channelFailed(_ error: any Error, connection id: Int) {
        let classified = MQTTTransport.classify(error, host: configuration.host, port: configuration.port)
        logger.debug("channel error: \(classified)")
        machine.recordFailure(classified, connection: id)
    }

    /// The end of one read burst: hand the messages over and flush the acks in one go.
    func readBurstEnded(connection id: Int) {
        guard machine.isCurrent(id) else { return }
        flushBatch()
        if needsFlush {
            machine.channel?.flush()
            needsFlush = false
        }
    }

    // MARK: PUBLISH and its acks

    private func handleIncomingPublish(_ publish: PublishPacket) {
        var topic = publish.topic
        var properties = publish.properties
        if let alias = properties.topicAlias {
            switch machine.resolveAlias(alias, topic: topic, maximum: configuration.topicAliasMaximum) {
            case let .success(resolved):
                topic = resolved
            case .failure(.aboveMaximum):
                return protocolViolation(.topicAliasAboveMaximum(alias))
            case .failure(.unknown):
                return protocolViolation(.unknownTopicAlias(alias))
            }
            properties.remove(.topicAlias)
        }
        let time = batchTime ?? Date()
        batchTime = time
        let message = MQTTMessage(topic: topic, payload: publish.payload, qos: publish.qos, retain: publish.retain,
                                  dup: publish.dup, properties: properties, receivedAt: time, packetID: publish.packetID ?? 0)
        switch publish.qos {
        case .atMostOnce:
            batch.append(.message(message))
        case .atLeastOnce:
            batch.append(.message(message))
            sendControl(.publishAck(PublishAckPacket(.puback, packetID: publish.packetID ?? 0)))
        case .exactlyOnce:
            let id = publish.packetID ?? 0
            // A resent QoS 2 publish we already delivered is acknowledged again, not delivered twice.
            if incomingQoS2.insert(id).inserted { batch.append(.message(message)) }
            sendControl(.publishAck(PublishAckPacket(.pubrec, packetID: id)))
        }
    }

    private func handlePublishAck(_ ack: PublishAckPacket) {
        switch ack.kind {
        case .pubrel:
            incomingQoS2.remove(ack.packetID)
            sendControl(.publishAck(PublishAckPacket(.pubcomp, packetID: ack.packetID)))
        case .puback, .pubcomp:
            completeOutgoing(ack)
        case .pubrec:
            guard ack.reasonCode.isSuccess else { return completeOutgoing(ack) }
            guard outgoing[ack.packetID] != nil else {
                // Unknown id: answer so the broker can release it [MQTT-4.3.3].
                return sendControl(.publishAck(PublishAckPacket(.pubrel, packetID: ack.packetID,
                                                                reasonCode: machine.version == .v5 ? .packetIdentifierNotFound : .success)))
            }
            outgoing[ack.packetID]?.awaitingPubcomp = true
            sendControl(.publishAck(PublishAckPacket(.pubrel, packetID: ack.packetID)))
        }
    }

    private func completeOutgoing(_ ack: PublishAckPacket) {
        guard let flow = outgoing.removeValue(forKey: ack.packetID) else {
            logger.debug("ignoring \(ack.kind) for unknown packet id \(ack.packetID)")
            return
        }
        if ack.reasonCode.isSuccess {
            flow.continuation?.resume()
        } else {
            flow.continuation?.resume(throwing: MQTTClientError.publishRefused(ack.reasonCode, reasonString: ack.properties.reasonString))
        }
        if let waiter = slotWaiters.popFirst() { waiter.resume() }
    }

    private func reportResubscribe(_ ack: SubscriptionAckPacket) {
        let refused = ack.reasonCodes.filter { !$0.isSuccess }
        if refused.isEmpty {
            batch.append(.subscriptionsRestored)
            flushBatch()
        } else {
            logger.warning("broker refused \(refused.count) filter(s) on resubscribe")
        }
    }
}
