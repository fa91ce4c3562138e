import MQTT
import Testing
@testable import TopicModel

@Suite(.timeLimit(.minutes(3))) struct HistoryTests {
    @Test func perTopicHistoryIsBoundedByCount() {
        var model = TopicModel()
        for index in 0..<250 { model.ingest(msg("t", "\(index)")) }
        let record = model.record("t")
        #expect(record?.history.messages.count == 100)
        #expect(record?.history.messages.first?.payload == Array("149".utf8))
        #expect(record?.last.payload == Array("249".utf8))
        #expect(record?.messageCount == 250)
    }

    @Test func perTopicHistoryIsBoundedByBytes() {
        var limits = TopicModel.Limits()
        limits.historyBytes = 10_000
        var model = TopicModel(limits: limits)
        for _ in 0..<50 { model.ingest(msg("t", String(repeating: "x", count: 1000))) }
        #expect((model.record("t")?.history.bytes ?? .max) <= 10_000)
        #expect(model.record("t")?.history.messages.count == 9)
    }

    @Test func globalBudgetTrimsTheOldestAcrossTopics() {
        var limits = TopicModel.Limits()
        limits.totalHistoryBytes = 50_000
        var model = TopicModel(limits: limits)
        for round in 0..<20 {
            for topic in 0..<10 { model.ingest(msg("t/\(topic)", String(repeating: "\(round % 10)", count: 500))) }
        }
        #expect(model.historyBytes <= 50_000)
        // What is left is the newest history, spread over the topics.
        let kept = (0..<10).map { model.record("t/\($0)")?.history.messages.count ?? 0 }
        #expect(kept.allSatisfy { $0 >= 8 && $0 <= 10 })
    }

    @Test func largePayloadsAreTruncatedWithTheirTrueSize() {
        var model = TopicModel()
        model.ingest(MQTTMessage(topic: "big", payload: Array(repeating: 7, count: 200_000)))
        let last = model.record("big")?.last
        #expect(last?.payload.count == 64 * 1024)
        #expect(last?.size == 200_000)
        #expect(last?.isTruncated == true)
    }
}
