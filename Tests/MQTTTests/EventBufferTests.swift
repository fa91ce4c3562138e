import Foundation
@testable import MQTT
import Synchronization
import Testing

/// The bounded hand-over between the client and a slow consumer.
@Suite(.timeLimit(.minutes(3))) struct EventBufferTests {
    private func message(_ index: Int, qos: MQTTQoS) -> MQTTEvent {
        .message(MQTTMessage(topic: "t/\(index)", payload: [], qos: qos))
    }

    @Test func qos0BeyondTheLimitIsDroppedAndCounted() async throws {
        let buffer = MQTTEventBuffer(limit: 100)
        let dropped = buffer.append((0..<250).map { message($0, qos: .atMostOnce) }).dropped
        #expect(dropped == 150)
        let batch = try #require(await buffer.takeAll())
        #expect(batch.first == .messagesDropped(count: 150))
        #expect(batch.count == 101)
    }

    @Test func acknowledgedMessagesAreNeverDroppedAndPastTwiceTheLimitReadingPauses() async throws {
        let buffer = MQTTEventBuffer(limit: 10)
        let resumed = ResumeCounter()
        buffer.setDrainHandler { resumed.increment() }
        buffer.append((0..<10).map { message($0, qos: .atMostOnce) })
        let under = buffer.append((0..<5).map { message($0, qos: .atLeastOnce) })
        #expect(under.dropped == 0 && !under.full)
        let over = buffer.append((0..<10).map { message($0, qos: .exactlyOnce) } + [message(99, qos: .atMostOnce)])
        #expect(over.dropped == 1, "only QoS 0 goes")
        #expect(over.full, "the producer stops reading instead of dropping what it acknowledged")
        let batch = try #require(await buffer.takeAll())
        #expect(batch.filter { if case let .message(m) = $0 { m.qos != .atMostOnce } else { false } }.count == 15)
        #expect(resumed.count == 1)
    }

    @Test func pauseModeNeverDropsAndAsksToResumeOnceDrained() async throws {
        let buffer = MQTTEventBuffer(limit: 100, pauseWhenFull: true)
        let resumed = ResumeCounter()
        buffer.setDrainHandler { resumed.increment() }
        let first = buffer.append((0..<99).map { message($0, qos: .atMostOnce) })
        #expect(first.dropped == 0 && !first.full)
        let second = buffer.append((0..<50).map { message($0, qos: .atMostOnce) })
        #expect(second.dropped == 0 && second.full)
        #expect(resumed.count == 0)
        let batch = try #require(await buffer.takeAll())
        #expect(batch.count == 149)
        #expect(resumed.count == 1)
    }

    @Test func theBufferIsBoundedByBytesAsWellAsByCount() async throws {
        let big = { (index: Int, qos: MQTTQoS) in
            MQTTEvent.message(MQTTMessage(topic: "t/\(index)", payload: Array(repeating: 0, count: 1 << 20), qos: qos))
        }
        // Pausing: four 1 MiB messages fill a 4 MiB buffer, whatever the count limit.
        let pausing = MQTTEventBuffer(limit: 100_000, byteLimit: 4 << 20, pauseWhenFull: true)
        #expect(!pausing.append((0..<3).map { big($0, .atMostOnce) }).full)
        #expect(pausing.append([big(3, .atMostOnce)]).full)
        // Dropping: QoS 0 past the bytes goes, QoS 1 stays, and reading pauses at twice the bytes.
        let dropping = MQTTEventBuffer(limit: 100_000, byteLimit: 4 << 20)
        let outcome = dropping.append((0..<6).map { big($0, .atMostOnce) } + (0..<4).map { big($0, .atLeastOnce) })
        #expect(outcome.dropped == 2)
        #expect(outcome.full)
        #expect(try #require(await dropping.takeAll()).count == 9)  // the drop count, 4 + 4 messages
    }

    @Test func stateEventsAreNeverDropped() async throws {
        let buffer = MQTTEventBuffer(limit: 1)
        buffer.append([message(0, qos: .atMostOnce), .connectionState(.connecting), message(1, qos: .atMostOnce)])
        let batch = try #require(await buffer.takeAll())
        #expect(batch.contains(.connectionState(.connecting)))
    }

    @Test func finishEndsTheStreamAfterItDrains() async throws {
        let buffer = MQTTEventBuffer(limit: 10)
        buffer.append([message(0, qos: .atMostOnce)])
        buffer.finish()
        #expect(await buffer.takeAll()?.count == 1)
        #expect(await buffer.takeAll() == nil)
    }

    @Test func aWaitingConsumerIsWokenByTheProducer() async throws {
        let buffer = MQTTEventBuffer(limit: 10)
        let consumer = Task { await buffer.takeAll() }
        while !buffer.hasWaiter { await Task.yield() }
        buffer.append([message(1, qos: .atMostOnce)])
        #expect(await consumer.value?.count == 1)
    }
}

private final class ResumeCounter: Sendable {
    private let value = Mutex(0)
    func increment() { value.withLock { $0 += 1 } }
    var count: Int { value.withLock { $0 } }
}
