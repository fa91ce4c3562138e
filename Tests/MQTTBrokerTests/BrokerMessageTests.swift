import MQTT
@testable import MQTTBroker
import NIOCore
import Testing

/// 5.0 message expiry on the broker's own clock: forwarded with what remains, dropped once over.
@Suite(.timeLimit(.minutes(1))) struct BrokerMessageTests {
    @Test func expiryCountsDownThenTheMessageIsGone() throws {
        let received = NIODeadline.now()
        let message = BrokerMessage(PublishPacket(topic: "exp/short", payload: [1], properties: [.messageExpiryInterval(5)]),
                                    receivedAt: received)
        #expect(message.forwarded(at: received)?.properties.messageExpiryInterval == 5)
        #expect(message.forwarded(at: received + .seconds(2))?.properties.messageExpiryInterval == 3)
        // Less than a second left still forwards, as 1 [MQTT-3.3.2-6].
        #expect(message.forwarded(at: received + .milliseconds(4_500))?.properties.messageExpiryInterval == 1)
        #expect(message.forwarded(at: received + .seconds(5)) == nil)
        let lasting = BrokerMessage(PublishPacket(topic: "t", payload: [1]), receivedAt: received)
        #expect(lasting.forwarded(at: received + .hours(24_000)) != nil)
    }
}
