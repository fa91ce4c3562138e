import Foundation
import MQTT
import Testing
@testable import TopicModel

/// The model's compact storage: chunked node arrays, short child lists searched in place, and
/// short payloads kept inline. Each must behave exactly as the plain version it replaced.
@Suite(.timeLimit(.minutes(1))) struct CompactStorageTests {
    @Test func aChunkedArrayReadsWritesAndKeepsValueSemanticsAcrossItsChunks() {
        var array = ChunkedArray<Int>()
        for value in 0..<10_000 { array.append(value) }
        #expect(array.count == 10_000)
        #expect(Array(array) == Array(0..<10_000))
        let copy = array
        array[4_097] = -1
        // The copy keeps its own value.
        #expect(copy[4_097] == 4_097)
        #expect(array[4_097] == -1)
        #expect(array[4_096] == 4_096 && array[9_999] == 9_999)
    }

    @Test func childrenAreFoundByNameBeforeAndAfterTheListOutgrowsItsScan() {
        var model = TopicModel()
        let names = (0..<(2 * ChildList.scanLimit + 3)).map { "sensor\($0)" }
        for (index, name) in names.enumerated() {
            model.ingest(msg("device/\(name)", "\(index)"))
            // Settled now and then, so the list outgrows its scan with children both in order
            // and still waiting.
            if index % 5 == 4 { model.refresh(now: 1_800_000_000) }
            // Every child so far is still found, and none is made twice.
            for earlier in names.prefix(index + 1) { #expect(model.find("device/\(earlier)") != nil) }
            #expect(model.childCount(of: model.id("device")) == index + 1)
        }
        model.ingest(msg("device/sensor3", "again"))
        #expect(model.topicCount == names.count)
        #expect(model.record("device/sensor3")?.last.payload == Array("again".utf8))
        model.refresh(now: 1_800_000_000)
        #expect(model.children(of: model.id("device")).map { model.node($0).name } == names)
    }

    @Test(arguments: [0, 1, 7, 8, 9, 64])
    func aPayloadOfAnyLengthIsKeptExactly(length: Int) {
        let payload = (0..<length).map { UInt8(truncatingIfNeeded: 255 - $0) }
        var model = TopicModel()
        model.ingest(MQTTMessage(topic: "t", payload: payload, retain: true, receivedAt: Date(timeIntervalSince1970: 1_800_000_000)))
        let stored = model.record("t")!.last
        #expect(stored.payload == payload)
        #expect(stored.payloadCount == length && stored.size == length && !stored.isTruncated)
        #expect(stored.hasPayload(payload))
        #expect(!stored.hasPayload(payload + [0]))
        #expect(length == 0 || !stored.hasPayload(Array(payload.dropLast()) + [payload.last! &+ 1]))
    }

    @Test func aPayloadCutToTheCapKeepsItsTrueSize() {
        var limits = TopicModel.Limits()
        limits.payloadCap = 4
        var model = TopicModel(limits: limits)
        model.ingest(msg("t", "123456"))
        let stored = model.record("t")!.last
        #expect(stored.payload == Array("1234".utf8))
        #expect(stored.size == 6 && stored.isTruncated)
    }
}
