import Foundation
import HistoryStore
import MQTT
@testable import TopicModel
import Testing

/// What every store does, run against SQLite and PostgreSQL alike.
@Suite(.timeLimit(.minutes(2)))
struct HistoryStoreTests {
    @Test(arguments: StoreKind.allCases)
    func messagesPointsAndMinutesAreWrittenAndReadBack(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            let store = fresh.store
            let start = 1_800_000_000.0
            try await store.write((0..<12).map { message("zigbee2mqtt/bedroom", #"{"temperature": \#(20 + Double($0) / 10), "humidity": 50}"#, at: start + Double($0) * 10) },
                                  broker: "home")
            try await store.write([message("home/door", "closed", at: start + 5, retain: true),
                                   message("home/hall", "21.5 °C", at: start + 6), message("home/hall", "ON", at: start + 7)], broker: "home")
            // A payload that reads as one number is a point at path ""; a state word is not.
            #expect(try await store.points(broker: "home", topic: "home/hall", path: "", since: 0).map(\.value) == [21.5])
            #expect(try await store.messages(broker: "home", topic: "home/hall", since: 0).count == 2)
            let points = try await store.points(broker: "home", topic: "zigbee2mqtt/bedroom", path: "temperature", since: start + 60)
            #expect(points.map(\.value) == [20.6, 20.7, 20.8, 20.9, 21.0, 21.1])
            #expect(try await store.paths(broker: "home", topic: "zigbee2mqtt/bedroom") == ["temperature", "humidity"])
            let messages = try await store.messages(broker: "home", topic: "home/door", since: 0)
            #expect(messages.count == 1 && messages[0].retain && messages[0].payload == Array("closed".utf8) && messages[0].qos == 1)
            let topics = try await store.topics(broker: "home")
            #expect(topics.map(\.name) == ["home/door", "home/hall", "zigbee2mqtt/bedroom"])
            #expect(topics.last?.messages == 12 && topics.last?.first == start && topics.last?.last == start + 110)
            // A minute's aggregate is in the store once a later minute is written, or the writer closed.
            await store.close()
            let reader = try await fresh.open(true)
            let minutes = try await reader.minutes(broker: "home", topic: "zigbee2mqtt/bedroom", path: "temperature", since: 0)
            #expect(minutes.count == 2)
            #expect(minutes.first?.count == 6 && minutes.first?.min == 20 && abs((minutes.first?.max ?? 0) - 20.5) < 1e-9)
            // Pages going back, newest first: from a time (itself included), then from the last one read.
            let writer = try await fresh.open(false)
            let page = try await writer.messages(broker: "home", topic: "zigbee2mqtt/bedroom", before: start + 50, limit: 3)
            #expect(page.map(\.time) == [start + 50, start + 40, start + 30])
            #expect(try await writer.messages(broker: "home", topic: "zigbee2mqtt/bedroom", before: page[2].time, id: page[2].id, limit: 3).map(\.time)
                == [start + 20, start + 10, start])
            // Messages that share a time page by id, none skipped or repeated.
            try await writer.write((0..<5).map { message("burst", "\($0)", at: start) }, broker: "home")
            let burst = try await writer.messages(broker: "home", topic: "burst", before: start, limit: 3)
            #expect(burst.map(\.payload) == ["4", "3", "2"].map { Array($0.utf8) })
            #expect(try await writer.messages(broker: "home", topic: "burst", before: start, id: burst[2].id, limit: 3).map(\.payload)
                == ["1", "0"].map { Array($0.utf8) })
            await writer.close()
            await reader.close()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func payloadsPropertiesAndCutPayloadsComeBackAsWritten(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            let properties: MQTTProperties = [.contentType("application/json"), .userProperty("room", "hall\tand\nstairs"),
                                              .userProperty("\\", "\\N"), .topicAlias(3)]
            // Every byte value, and a payload past the cap.
            let binary = MQTTMessage(topic: "bin", payload: (0...255).map { UInt8($0) }, qos: .exactlyOnce, retain: true,
                                     properties: properties, receivedAt: Date(timeIntervalSince1970: 1_800_000_000.25))
            let big = MQTTMessage(topic: "big", payload: [UInt8](repeating: 0x5C, count: StoredBatch.payloadCap + 10),
                                  receivedAt: Date(timeIntervalSince1970: 1_800_000_001))
            try await fresh.store.write([binary, big], broker: "home")
            let read = try #require(try await fresh.store.messages(broker: "home", topic: "bin", since: 0).first)
            #expect(read.payload == binary.payload && read.qos == 2 && read.retain && read.time == 1_800_000_000.25)
            #expect(read.properties.contentType == "application/json" && read.properties.topicAlias == nil)
            #expect(read.properties.userProperties.map(\.key) == ["room", "\\"] && read.properties.userProperties.map(\.value) == ["hall\tand\nstairs", "\\N"])
            let cut = try #require(try await fresh.store.messages(broker: "home", topic: "big", since: 0).first)
            #expect(cut.payload.count == StoredBatch.payloadCap && cut.size == StoredBatch.payloadCap + 10 && cut.payload.allSatisfy { $0 == 0x5C })
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aJSONKeyWithANulIsKeptAndReadAsAReplacementCharacter(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            try await fresh.store.write([message("odd", #"{"a\u0000b": 1, "c": 2}"#, at: 1_800_000_000)], broker: "home")
            #expect(try await fresh.store.paths(broker: "home", topic: "odd") == ["a\u{FFFD}b", "c"])
            #expect(try await fresh.store.points(broker: "home", topic: "odd", path: "a\u{FFFD}b", since: 0).map(\.value) == [1])
        }
    }

    @Test(arguments: StoreKind.allCases)
    func severalBrokersKeepTheirOwnPastInOneStore(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            let store = fresh.store
            try await store.write([message("zigbee2mqtt/lamp", "ON", at: 1_800_000_000), message("sensor/t", "21", at: 1_800_000_001)], broker: "home")
            try await store.write([message("zigbee2mqtt/lamp", "OFF", at: 1_800_000_002), message("sensor/t", "4", at: 1_800_000_003)], broker: "cabin")
            #expect(try await store.messages(broker: "home", topic: "zigbee2mqtt/lamp", since: 0).map(\.payload) == [Array("ON".utf8)])
            #expect(try await store.messages(broker: "cabin", topic: "zigbee2mqtt/lamp", since: 0).map(\.payload) == [Array("OFF".utf8)])
            #expect(try await store.points(broker: "cabin", topic: "sensor/t", path: "", since: 0).map(\.value) == [4])
            #expect(try await store.latest(broker: "home", since: 0).map { String(decoding: $0.last.payload, as: UTF8.self) }.sorted() == ["21", "ON"])
            let all = try await store.topics(broker: nil)
            #expect(all.map { "\($0.broker) \($0.name)" } == ["cabin sensor/t", "cabin zigbee2mqtt/lamp", "home sensor/t", "home zigbee2mqtt/lamp"])
            #expect(try await store.topics(broker: "cabin").count == 2)
            #expect(try await store.topics(broker: "nowhere").isEmpty)
            #expect(try await store.messages(broker: "nowhere", topic: "sensor/t", since: 0).isEmpty)
            #expect(try await store.messageCount(broker: "home", from: 0, until: 2e9) == 2)
            #expect(try await store.brokers() == ["cabin", "home"])
            #expect(try await store.recordedBroker("cabin") == "cabin")
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aReaderSeesAWritersCommitsAndCannotWrite(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            try await fresh.store.write([message("a", "1", at: 1_800_000_001)], broker: "home")
            let reader = try await fresh.open(true)
            #expect(try await reader.points(broker: "home", topic: "a", path: "", since: 0).count == 1)
            try await fresh.store.write([message("a", "2", at: 1_800_000_002)], broker: "home")
            #expect(try await reader.points(broker: "home", topic: "a", path: "", since: 0).map(\.value) == [1, 2])
            await #expect(throws: StoreFailure.self) { try await reader.write([message("a", "3", at: 1_800_000_003)], broker: "home") }
            await reader.close()
            // Opened again, the past is there.
            let again = try await fresh.open(false)
            #expect(try await again.points(broker: "home", topic: "a", path: "", since: 0).map(\.value) == [1, 2])
            await again.close()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func retentionIsSavedForTheOtherWriters(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            #expect(try await fresh.store.savedRetention() == nil)
            try await fresh.store.save(Retention(raw: 3600, minutes: 86_400, maximumBytes: 1 << 20))
            try await fresh.store.save(Retention(raw: 7200, minutes: 86_400, maximumBytes: 1 << 20))
            let reader = try await fresh.open(true)
            #expect(try await reader.savedRetention() == Retention(raw: 7200, minutes: 86_400, maximumBytes: 1 << 20))
            await reader.close()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aStoreWrittenByANewerHearthIsOneLine(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            try await kind.markNewer(fresh.store)
            await #expect { _ = try await fresh.open(true) } throws: { error in
                "\(error)" == "the history store \(fresh.store.location) was written by a newer Hearth"
            }
            await #expect { _ = try await fresh.open(false) } throws: { error in
                "\(error)" == "the history store \(fresh.store.location) was written by a newer Hearth"
            }
        }
    }

    @Test(arguments: StoreKind.allCases)
    func pruningDropsWhatIsTooOld(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            let store = fresh.store
            let now = 1_800_000_000.0
            let days = [450.0, 30, 8, 6, 1]
            try await store.write(days.map { message("t", "\($0)", at: now - $0 * 86_400) }, broker: "home")
            var rounds = 0
            while try await store.prune(now: now), rounds < 100 { rounds += 1 }
            // Raw points and messages: 7 days; per-minute aggregates: 400 days.
            #expect(try await store.points(broker: "home", topic: "t", path: "", since: 0).map(\.value) == [6, 1])
            #expect(try await store.messages(broker: "home", topic: "t", since: 0).count == 2)
            await store.close()
            let again = try await fresh.open(false)
            #expect(try await again.minutes(broker: "home", topic: "t", path: "", since: 0).map(\.min) == [30, 8, 6, 1])
            // What was pruned is written again without trouble (a late recorder's batch).
            try await again.write([message("t", "7", at: now - 2 * 86_400)], broker: "home")
            #expect(try await again.points(broker: "home", topic: "t", path: "", since: 0).map(\.value) == [6, 7, 1])
            await again.close()
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theSizeCapDropsTheOldestWhateverTheirAge(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            let store = fresh.store
            let now = 1_800_000_000.0
            // Ten days of 100 incompressible 2 kB payloads each, the newest this morning.
            var generator = SystemRandomNumberGenerator()
            for day in 0..<10 {
                try await store.write((0..<100).map { index in
                    MQTTMessage(topic: "big", payload: (0..<2_000).map { _ in UInt8.random(in: 0...255, using: &generator) },
                                receivedAt: Date(timeIntervalSince1970: now - Double(9 - day) * 86_400 - 3600 + Double(index)))
                }, broker: "home")
            }
            var rounds = 0
            while try await store.prune(now: now, retention: Retention(maximumBytes: 600_000)), rounds < 100 { rounds += 1 }
            let left = try await store.messages(broker: "home", topic: "big", since: 0)
            #expect(!left.isEmpty && left.count < 500, "\(left.count)")
            // The newest stay, the oldest went.
            #expect(left.last?.time == now - 3600 + 99)
            #expect((left.first?.time ?? 0) > now - 9 * 86_400)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func aSpanIsReadInOrderPageByPageForAReplay(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            let store = fresh.store
            let start = 1_800_000_000.0
            try await store.write([message("a", "1", at: start), message("b", "2", at: start), message("a", "3", at: start + 1),
                                   message("b", "4", at: start + 2), message("a", "5", at: start + 3)], broker: "home")
            try await store.write([message("a", "elsewhere", at: start + 1)], broker: "cabin")
            var read: [String] = []
            var cursor: (time: Double, id: Int64)?
            while true {
                let page = try await store.messages(broker: "home", from: start, until: start + 3, after: cursor, limit: 2)
                guard let last = page.last else { break }
                cursor = (last.message.time, last.message.id)
                read += page.map { "\($0.topic)=\(String(decoding: $0.message.payload, as: UTF8.self))" }
            }
            #expect(read == ["a=1", "b=2", "a=3", "b=4"], "until is not included; another broker's message is not read")
            #expect(try await store.messageCount(broker: "home", from: start, until: start + 3) == 4)
        }
    }

    @Test(arguments: StoreKind.allCases)
    func theLastDayIsReadBackAndSeededIntoTheModel(_ kind: StoreKind) async throws {
        try await kind.withStore { fresh in
            let store = fresh.store
            let now = 1_800_000_000.0
            // A day and a half of a reading every 10 minutes, and a door.
            try await store.write(stride(from: now - 36 * 3600, through: now, by: 600).map {
                message("zigbee2mqtt/bedroom", #"{"temperature": \#(18 + sin($0 / 3600)), "humidity": 50}"#, at: $0)
            }, broker: "home")
            try await store.write([message("home/door", "closed", at: now - 100, retain: true)], broker: "home")
            try await store.write([message("old/topic", "1", at: now - 3 * 86_400)], broker: "home")
            await fresh.store.close()
            let reader = try await fresh.open(true)
            // First each topic's newest message, with its series still to read.
            let latest = try await reader.latest(broker: "home", since: now - 86_400)
            #expect(latest.map(\.topic).sorted() == ["home/door", "zigbee2mqtt/bedroom"])
            #expect(latest.allSatisfy { $0.series == nil })
            var model = TopicModel()
            model.seed(latest)
            let id = try #require(model.find("zigbee2mqtt/bedroom"))
            #expect(model.historyWanted(id))
            #expect(model.topic(at: id)?.series == nil && model.node(.root).seriesCount == 2, "the newest message alone")
            #expect(model.topic(at: try #require(model.find("home/door")))?.retained == RetainedState.none,
                    "the broker says again what it retains")

            // Then the series, when the topic comes on screen.
            let series = try await reader.series(broker: "home", of: "zigbee2mqtt/bedroom", since: now - 86_400)
            #expect(series.map(\.path) == ["temperature", "humidity"])
            #expect(series[0].minutes.count == 145 && series[0].points.count == 145)
            #expect(series[0].points.last?.time == now)
            #expect(try await reader.series(broker: "home", of: "home/door", since: 0).isEmpty)
            #expect(try await reader.series(broker: "home", of: "no/such", since: 0).isEmpty)
            model.seedSeries(series, of: "zigbee2mqtt/bedroom")
            #expect(!model.historyWanted(id))
            let temperature = try #require(model.topic(at: id)?.series?.series(at: "temperature"))
            #expect(temperature.count == 145 && temperature.perMinute.count == 145)
            #expect(model.node(.root).temperatureCount == 1 && model.node(.root).seriesCount == 2)
            // Live messages append to the recorded past.
            model.ingest(message("zigbee2mqtt/bedroom", #"{"temperature": 21, "humidity": 50}"#, at: now + 10))
            #expect(model.topic(at: id)?.series?.series(at: "temperature")?.count == 146)
            await reader.close()
        }
    }
}
