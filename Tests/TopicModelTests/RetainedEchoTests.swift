import Foundation
import MQTT
import Testing
@testable import TopicModel

/// The one rule for "the broker resent a retained value", as a reader without the model keeps it.
@Suite(.timeLimit(.minutes(1)))
struct RetainedEchoTests {
    static func message(_ topic: String, _ payload: String, retain: Bool) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: Array(payload.utf8), retain: retain, receivedAt: Date(timeIntervalSince1970: 0))
    }

    @Test func onlyTheFirstUnchangedRetainedMessageAfterSubscribingIsAnEcho() {
        var echoes = RetainedEchoes(known: [Self.message("door", "closed", retain: true), Self.message("lamp", "ON", retain: false)])
        func isEcho(_ topic: String, _ payload: String, retain: Bool) -> Bool {
            echoes.isEcho(Self.message(topic, payload, retain: retain))
        }
        #expect(isEcho("door", "closed", retain: true))
        // The same payload again is a new message: the topic was heard since subscribing.
        #expect(!isEcho("door", "closed", retain: true))
        // The lamp's last known message was live: a retained one is news.
        #expect(!isEcho("lamp", "ON", retain: true))
        echoes.subscribing()
        #expect(isEcho("lamp", "ON", retain: true))
        #expect(!isEcho("door", "open", retain: true))
        // A live message covers the retained value: resent after the next subscription, it counts.
        #expect(!isEcho("door", "open", retain: false))
        echoes.subscribing()
        #expect(!isEcho("door", "open", retain: true))
    }

    @Test func theRuleItself() {
        #expect(RetainedEcho.isEcho(retain: true, firstSinceSubscribing: true, samePayload: true))
        #expect(!RetainedEcho.isEcho(retain: false, firstSinceSubscribing: true, samePayload: true))
        #expect(!RetainedEcho.isEcho(retain: true, firstSinceSubscribing: false, samePayload: true))
        #expect(!RetainedEcho.isEcho(retain: true, firstSinceSubscribing: true, samePayload: false))
    }
}
