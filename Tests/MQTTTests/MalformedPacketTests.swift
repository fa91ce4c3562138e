import MQTT
import NIOCore
import Testing

/// The decoder's strictness: each malformed input is a typed error with the right reason code.
@Suite(.timeLimit(.minutes(3))) struct MalformedPacketTests {
    private func decode(_ bytes: [UInt8], _ version: MQTTProtocolVersion = .v5,
                        maximum: Int = MQTTFrameDecoder.defaultMaximumPacketSize) throws -> MQTTPacket? {
        var buffer = ByteBuffer(bytes: bytes)
        return try MQTTFrameDecoder(version: version, maximumPacketSize: maximum).next(from: &buffer)
    }

    private func expectError(_ bytes: [UInt8], _ version: MQTTProtocolVersion = .v5,
                             _ check: (MQTTDecodeError) -> Bool, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            let packet = try decode(bytes, version)
            Issue.record("decoded \(String(describing: packet)) instead of failing", sourceLocation: sourceLocation)
        } catch {
            #expect(check(error as! MQTTDecodeError), "got \(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func remainingLengthOfFiveBytes() {
        expectError([0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]) { $0 == .remainingLengthTooLong }
        #expect(MQTTDecodeError.remainingLengthTooLong.reasonCode == .malformedPacket)
    }

    @Test func nonMinimalLengthIsRejectedInV5Only() throws {
        // Length 0 written in two bytes.
        expectError([0xC0, 0x80, 0x00]) { $0 == .nonMinimalVariableByteInteger }
        #expect(try decode([0xC0, 0x80, 0x00], .v311) == .pingreq)
    }

    @Test func oversizedPacketIsRefusedBeforeItsBytesArrive() {
        // Announces 200 MB and sends nothing more: the error comes from the header alone.
        expectError([0x30, 0x80, 0x80, 0xE8, 0x5F]) {
            if case let .packetTooLarge(size, limit) = $0 { return size > 200_000_000 && limit == 16 * 1024 * 1024 }
            return false
        }
        #expect(MQTTDecodeError.packetTooLarge(size: 1, limit: 0).reasonCode == .packetTooLarge)
    }

    @Test func wrongReservedFlags() {
        expectError([0xC1, 0x00]) { $0 == .invalidFlags(.pingreq, 1) }
        expectError([0x60, 0x02, 0x00, 0x01]) { $0 == .invalidFlags(.pubrel, 0) }  // PUBREL needs 0b0010
        expectError([0x20, 0x02, 0x02, 0x00]) { $0 == .reservedFlagSet(.connack) }
    }

    @Test func qos3() {
        expectError([0x36, 0x05, 0x00, 0x01, 0x74, 0x00, 0x01]) { $0 == .invalidQoS }
    }

    @Test func dupOnQoS0() {
        expectError([0x38, 0x04, 0x00, 0x01, 0x74, 0x00]) { $0 == .invalidFlags(.publish, 0x08) }
    }

    @Test func zeroPacketIdentifier() {
        expectError([0x32, 0x06, 0x00, 0x01, 0x74, 0x00, 0x00, 0x00]) { $0 == .zeroPacketIdentifier }
        expectError([0x40, 0x02, 0x00, 0x00]) { $0 == .zeroPacketIdentifier }
        expectError([0x90, 0x03, 0x00, 0x00, 0x00]) { $0 == .zeroPacketIdentifier }
    }

    @Test func publishTopicWithWildcardNulOrBadUTF8() {
        expectError([0x30, 0x04, 0x00, 0x01, 0x23, 0x00]) { if case .invalidTopicName = $0 { true } else { false } }
        expectError([0x30, 0x04, 0x00, 0x01, 0x2B, 0x00]) { if case .invalidTopicName = $0 { true } else { false } }
        expectError([0x30, 0x05, 0x00, 0x02, 0x61, 0x00, 0x00]) { $0 == .malformedUTF8 }
        expectError([0x30, 0x05, 0x00, 0x02, 0xC3, 0x28, 0x00]) { $0 == .malformedUTF8 }
        // A UTF-16 surrogate (U+D800) encoded in UTF-8 is ill-formed.
        expectError([0x30, 0x06, 0x00, 0x03, 0xED, 0xA0, 0x80, 0x00]) { $0 == .malformedUTF8 }
        expectError([0x30, 0x03, 0x00, 0x00, 0x00]) { if case .invalidTopicName = $0 { true } else { false } }
    }

    @Test func unknownDuplicatedAndMisplacedProperties() {
        // PUBLISH "t" with properties: unknown id 0x05.
        expectError([0x30, 0x06, 0x00, 0x01, 0x74, 0x02, 0x05, 0x00]) { $0 == .unknownProperty(0x05) }
        // Content type twice.
        expectError([0x30, 0x0A, 0x00, 0x01, 0x74, 0x06, 0x03, 0x00, 0x00, 0x03, 0x00, 0x00]) {
            $0 == .duplicateProperty(.contentType)
        }
        // Receive Maximum in a PUBLISH.
        expectError([0x30, 0x07, 0x00, 0x01, 0x74, 0x03, 0x21, 0x00, 0x05]) {
            $0 == .propertyNotAllowed(.receiveMaximum, .publish)
        }
        // Payload format indicator 2.
        expectError([0x30, 0x06, 0x00, 0x01, 0x74, 0x02, 0x01, 0x02]) { $0 == .invalidPropertyValue(.payloadFormatIndicator) }
        // User properties may repeat.
        #expect(throws: Never.self) {
            try decode([0x30, 0x0F, 0x00, 0x01, 0x74, 0x0B, 0x26, 0x00, 0x01, 0x6B, 0x00, 0x00, 0x26, 0x00, 0x00, 0x00, 0x00])
        }
    }

    @Test func truncatedAndTrailingBytes() {
        expectError([0x30, 0x02, 0x00, 0x05]) { $0 == .truncated(.publish) }
        expectError([0x90, 0x02, 0x00, 0x01]) { $0 == .truncated(.suback) }
        expectError([0x90, 0x02, 0x00, 0x01], .v311) { $0 == .invalidReturnCode(1, .suback) || $0 == .noReasonCodes(.suback) }
        expectError([0x40, 0x03, 0x00, 0x01, 0x00], .v311) { $0 == .trailingBytes(.puback) }
        expectError([0xD0, 0x01, 0x00]) { $0 == .trailingBytes(.pingresp) }
        // A property length that runs past the packet.
        expectError([0x30, 0x05, 0x00, 0x01, 0x74, 0x09, 0x01]) { $0 == .truncated(.publish) }
    }

    @Test func packetTypeZeroAndAuthIn311() {
        expectError([0x00, 0x00]) { $0 == .invalidPacketType(0) }
        expectError([0xF0, 0x00], .v311) { $0 == .invalidPacketType(15) }
    }

    @Test func ackReasonCodesOutsideTheSpecsList() {
        expectError([0x40, 0x03, 0x00, 0x01, 0x05]) { $0 == .reasonCodeNotAllowed(MQTTReasonCode(rawValue: 5), .puback) }
    }
}
