import Foundation
import MQTT
import PropertyBased
import Testing
@testable import TopicModel

/// Invariants that must hold for any stream of messages.
@Suite(.timeLimit(.minutes(3))) struct ModelPropertyTests {
    /// Decodes an integer into a message: topic from a small set of levels (empty levels included),
    /// retain flag, empty or not, payload size, and time.
    static func message(_ code: Int, index: Int) -> MQTTMessage {
        let levels = ["home", "a", "", "room2", "room10", "$SYS", "x"]
        let depth = 1 + code % 4
        var topic: [String] = []
        var rest = code / 4
        for _ in 0..<depth {
            topic.append(levels[rest % levels.count])
            rest /= levels.count
        }
        let retain = rest % 2 == 0
        let empty = rest % 5 == 0
        let size = empty ? 0 : 1 + (rest % 7) * 300
        return MQTTMessage(topic: topic.joined(separator: "/"), payload: Array(repeating: 0x31, count: size),
                           retain: retain, receivedAt: Date(timeIntervalSince1970: 1000 + Double(index)))
    }

    static let streams = Gen.int(in: 0...100_000).array(of: 1...300)

    @Test func subtreeCountsEqualABruteForceRecount() async {
        await propertyCheck(count: 200, input: Self.streams) { codes in
            var model = TopicModel()
            for (index, code) in codes.enumerated() { model.ingest(Self.message(code, index: index)) }
            for index in 0..<model.nodes.count {
                let id = NodeID(Int32(index))
                var topics = 0, messages = 0, retained = 0
                var newest = 0.0
                var stack = [id]
                while let current = stack.popLast() {
                    if let record = model.topic(at: current) {
                        topics += 1
                        messages += record.messageCount
                        if record.retained.isHeld { retained += 1 }
                        newest = max(newest, record.last.time)
                    }
                    stack.append(contentsOf: model.children(of: current))
                }
                let node = model.node(id)
                #expect(Int(node.topicCount) == topics)
                #expect(node.messageCount == messages)
                #expect(Int(node.retainedCount) == retained)
                #expect(node.newest == newest)
            }
        }
    }

    @Test func historyStaysWithinEveryBound() async {
        await propertyCheck(count: 200, input: Self.streams) { codes in
            var limits = TopicModel.Limits()
            limits.historyCount = 5
            limits.historyBytes = 2_000
            limits.totalHistoryBytes = 6_000
            limits.payloadCap = 1_000
            var model = TopicModel(limits: limits)
            for (index, code) in codes.enumerated() {
                model.ingest(Self.message(code, index: index))
                #expect(model.historyBytes <= limits.totalHistoryBytes)
            }
            var total = 0
            for record in model.topics {
                #expect(record.history.messages.count <= limits.historyCount)
                #expect(record.history.bytes <= limits.historyBytes)
                #expect(record.last.payload.count <= limits.payloadCap)
                total += record.history.bytes
            }
            #expect(total == model.historyBytes)
            #expect(model.historyQueue.count <= 2 * model.historyEntries + 1024)
        }
    }

    @Test func anEndlessStreamOnOneTopicStaysBounded() {
        var model = TopicModel()
        for index in 0..<50_000 { model.ingest(msg("endless", "\(index % 100)", at: Double(index))) }
        let record = model.record("endless")
        #expect(record?.history.messages.count == 100)
        #expect(model.historyQueue.count <= 2 * model.historyEntries + 1024)
        #expect((record?.series?.series(at: "")?.count ?? 0) <= TimeSeries.pointCapacity)
        #expect((record?.series?.series(at: "")?.perMinute.count ?? 0) <= TimeSeries.minuteCapacity)
    }
}
