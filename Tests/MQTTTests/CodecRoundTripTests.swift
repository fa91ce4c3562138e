import MQTT
import NIOCore
import Testing

/// Every packet encodes and decodes back to itself, in both versions.
@Suite(.timeLimit(.minutes(3))) struct CodecRoundTripTests {
    static let packets: [MQTTPacket] = [
        .connect(ConnectPacket(version: .v5, clientID: "hearth-1", cleanStart: false, keepAlive: 30, username: "u",
                               password: Array("p"), will: MQTTWill(topic: "dev/1/online", payload: Array("offline"),
                                                                    qos: .atLeastOnce, retain: true,
                                                                    properties: [.willDelayInterval(5)]),
                               properties: [.sessionExpiryInterval(60), .receiveMaximum(10)])),
        .connack(ConnAckPacket(sessionPresent: true, reasonCode: .success,
                               properties: [.receiveMaximum(20), .retainAvailable(1), .topicAliasMaximum(10)])),
        .publish(PublishPacket(topic: "home/kitchen/temperature", payload: Array("21.5"), qos: .exactlyOnce,
                               retain: true, dup: true, packetID: 7,
                               properties: [.contentType("text/plain"), .userProperty("k", "v"), .userProperty("k", "w"),
                                            .correlationData([1, 2]), .responseTopic("reply"),
                                            .payloadFormatIndicator(1), .messageExpiryInterval(9)])),
        .publish(PublishPacket(topic: "a//b", payload: [], qos: .atMostOnce)),
        .publishAck(PublishAckPacket(.puback, packetID: 1)),
        .publishAck(PublishAckPacket(.pubrec, packetID: 2, reasonCode: .noMatchingSubscribers,
                                     properties: [.reasonString("nobody")])),
        .publishAck(PublishAckPacket(.pubrel, packetID: 3)),
        .publishAck(PublishAckPacket(.pubcomp, packetID: 4)),
        .subscribe(SubscribePacket(packetID: 5, subscriptions: [
            MQTTSubscription("home/#", qos: .atLeastOnce, noLocal: true, retainAsPublished: true,
                             retainHandling: .sendIfNew),
            MQTTSubscription("$SYS/+/uptime"),
        ], properties: [.subscriptionIdentifier(3)])),
        .subscriptionAck(SubscriptionAckPacket(.suback, packetID: 5, reasonCodes: [.grantedQoS1, .success])),
        .unsubscribe(UnsubscribePacket(packetID: 6, filters: ["home/#"])),
        .subscriptionAck(SubscriptionAckPacket(.unsuback, packetID: 6, reasonCodes: [.success])),
        .pingreq,
        .pingresp,
        .disconnect(DisconnectPacket(reasonCode: .serverShuttingDown, properties: [.reasonString("bye")])),
        .auth(AuthPacket(reasonCode: MQTTReasonCode(rawValue: 0x18), properties: [.authenticationMethod("SCRAM")])),
    ]

    @Test(arguments: packets)
    func v5RoundTrip(packet: MQTTPacket) throws {
        var buffer = try packet.encoded(version: .v5)
        let decoded = try MQTTFrameDecoder(version: .v5).next(from: &buffer)
        #expect(decoded == packet)
        #expect(buffer.readableBytes == 0)
    }

    @Test func v311RoundTripsDropWhat311CannotCarry() throws {
        let publish = PublishPacket(topic: "t", payload: Array("x"), qos: .atLeastOnce, retain: true, packetID: 9)
        let connect = ConnectPacket(version: .v311, clientID: "c", username: "u", password: Array("p"),
                                    will: MQTTWill(topic: "w", payload: Array("bye")))
        for packet: MQTTPacket in [.publish(publish), .connect(connect), .pingreq,
                                   .publishAck(PublishAckPacket(.pubrel, packetID: 2)),
                                   .subscriptionAck(SubscriptionAckPacket(.suback, packetID: 1, reasonCodes: [.grantedQoS2]))] {
            var buffer = try packet.encoded(version: .v311)
            #expect(try MQTTFrameDecoder(version: .v311).next(from: &buffer) == packet)
        }
        // 3.1.1 return codes map onto v5 reason codes.
        var refused = ByteBuffer(bytes: [0x20, 0x02, 0x00, 0x04])
        let connack = try MQTTFrameDecoder(version: .v311).next(from: &refused)
        #expect(connack == .connack(ConnAckPacket(reasonCode: .badUsernameOrPassword)))
    }

    @Test func knownBytesOfAPublish() throws {
        let packet = MQTTPacket.publish(PublishPacket(topic: "a/b", payload: Array("hi"), qos: .atLeastOnce, packetID: 10))
        let v311 = try packet.encoded(version: .v311)
        #expect(Array(v311.readableBytesView) == [0x32, 0x09, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x68, 0x69])
        let v5 = try packet.encoded(version: .v5)
        #expect(Array(v5.readableBytesView) == [0x32, 0x0A, 0x00, 0x03, 0x61, 0x2F, 0x62, 0x00, 0x0A, 0x00, 0x68, 0x69])
    }

    @Test(arguments: [-1, 268_435_456, Int.max, Int.min])
    func anOutOfRangeVariableByteIntegerIsAnErrorNotATrap(value: Int) {
        let packet = MQTTPacket.publish(PublishPacket(topic: "t", payload: [], properties: [.subscriptionIdentifier(value)]))
        #expect(throws: MQTTEncodeError.variableByteIntegerOutOfRange(value)) { try packet.encoded(version: .v5) }
    }

    @Test func partialInputWaitsForMore() throws {
        let whole = try MQTTPacket.publish(PublishPacket(topic: "t", payload: Array(repeating: 7, count: 300)))
            .encoded(version: .v5)
        let decoder = MQTTFrameDecoder(version: .v5)
        var buffer = ByteBuffer()
        var decoded: [MQTTPacket] = []
        // Feed one byte at a time: nothing is decoded until the last byte arrives.
        for byte in whole.readableBytesView {
            buffer.writeInteger(byte)
            if let packet = try decoder.next(from: &buffer) { decoded.append(packet) }
        }
        #expect(decoded.count == 1)
    }

    @Test func aStreamInPiecesOfAnySizeGivesEveryPacketInOrder() throws {
        var stream = ByteBuffer()
        for index in 0..<50 {
            var packet = try MQTTPacket.publish(PublishPacket(topic: "t/\(index)", payload: Array(repeating: UInt8(index), count: index * 7)))
                .encoded(version: .v5)
            stream.writeBuffer(&packet)
        }
        for pieceSize in [1, 2, 3, 7, 64, 1000, stream.readableBytes] {
            var decoder = MQTTFrameDecoder(version: .v5)
            var source = stream
            var topics: [String] = []
            while source.readableBytes > 0 {
                var piece = source.readSlice(length: min(pieceSize, source.readableBytes))!
                decoder.append(&piece)
                while case let .publish(publish)? = try decoder.nextPacket() { topics.append(publish.topic) }
            }
            #expect(topics == (0..<50).map { "t/\($0)" }, "pieces of \(pieceSize)")
            #expect(try decoder.nextPacket() == nil)
        }
    }

    @Test func remainingLengthsAtEveryEncodingBoundary() throws {
        for size in [0, 127, 128, 16_383, 16_384, 2_097_151, 2_097_152] {
            let payload = [UInt8](repeating: 1, count: max(0, size - 3))
            var buffer = try MQTTPacket.publish(PublishPacket(topic: "t", payload: payload)).encoded(version: .v311)
            let decoder = MQTTFrameDecoder(version: .v311, maximumPacketSize: 4_000_000)
            guard case let .publish(publish)? = try decoder.next(from: &buffer) else {
                Issue.record("size \(size) did not decode")
                continue
            }
            #expect(publish.payload.count == payload.count)
        }
    }

    @Test func encoderRefusesOverlongFieldsAndOversizedPackets() {
        let long = String(repeating: "x", count: 70_000)
        #expect(throws: MQTTEncodeError.fieldTooLong(70_000)) {
            try MQTTPacket.publish(PublishPacket(topic: long, payload: [])).encoded(version: .v5)
        }
        var buffer = ByteBuffer()
        #expect(throws: MQTTEncodeError.self) {
            try MQTTPacket.publish(PublishPacket(topic: "t", payload: Array(repeating: 0, count: 100)))
                .write(to: &buffer, version: .v5, maximumPacketSize: 50)
        }
    }
}
