import Foundation
import GRDB
@testable import HistoryStore
import MQTT
@testable import TopicModel
import Testing

/// The store on real SQLite files in temporary folders.
@Suite(.timeLimit(.minutes(1)))
struct HistoryStoreTests {
    /// A fresh folder for one test, removed after it.
    static func withFolder<Result>(_ body: (String) throws -> Result) throws -> Result {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-store-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return try body(folder)
    }

    static func message(_ topic: String, _ payload: String, at time: Double, retain: Bool = false) -> MQTTMessage {
        MQTTMessage(topic: topic, payload: Array(payload.utf8), qos: .atLeastOnce, retain: retain, receivedAt: Date(timeIntervalSince1970: time))
    }

    @Test func messagesPointsAndMinutesAreWrittenAndReadBack() throws {
        try Self.withFolder { folder in
            let store = try HistoryStore(path: folder + "/home.sqlite")
            let start = 1_800_000_000.0
            try store.write((0..<12).map { Self.message("zigbee2mqtt/bedroom", #"{"temperature": \#(20 + Double($0) / 10), "humidity": 50}"#, at: start + Double($0) * 10) })
            try store.write([Self.message("home/door", "closed", at: start + 5, retain: true),
                             Self.message("home/hall", "21.5 °C", at: start + 6), Self.message("home/hall", "ON", at: start + 7)])
            // A payload that reads as one number is a point at path ""; a state word is not.
            #expect(try store.points(topic: "home/hall", path: "", since: 0).map(\.value) == [21.5])
            #expect(try store.messages(topic: "home/hall", since: 0).count == 2)
            let points = try store.points(topic: "zigbee2mqtt/bedroom", path: "temperature", since: start + 60)
            #expect(points.map(\.value) == [20.6, 20.7, 20.8, 20.9, 21.0, 21.1])
            #expect(try store.paths(topic: "zigbee2mqtt/bedroom") == ["temperature", "humidity"])
            let messages = try store.messages(topic: "home/door", since: 0)
            #expect(messages.count == 1 && messages[0].retain && messages[0].payload == Array("closed".utf8) && messages[0].qos == 1)
            let topics = try store.topics()
            #expect(topics.map(\.name) == ["home/door", "home/hall", "zigbee2mqtt/bedroom"])
            #expect(topics.last?.messages == 12 && topics.last?.first == start && topics.last?.last == start + 110)
            let minutes = try store.minutes(topic: "zigbee2mqtt/bedroom", path: "temperature", since: 0)
            #expect(minutes.count == 2)
            #expect(minutes.first?.count == 6 && minutes.first?.min == 20 && abs((minutes.first?.max ?? 0) - 20.5) < 1e-9)
            // Pages going back, newest first: from a time (itself included), then from the last one read.
            let page = try store.messages(topic: "zigbee2mqtt/bedroom", before: start + 50, limit: 3)
            #expect(page.map(\.time) == [start + 50, start + 40, start + 30])
            #expect(try store.messages(topic: "zigbee2mqtt/bedroom", before: page[2].time, id: page[2].id, limit: 3).map(\.time)
                == [start + 20, start + 10, start])
            // Messages that share a time page by id, none skipped or repeated.
            try store.write((0..<5).map { Self.message("burst", "\($0)", at: start) })
            let burst = try store.messages(topic: "burst", before: start, limit: 3)
            #expect(burst.map(\.payload) == ["4", "3", "2"].map { Array($0.utf8) })
            #expect(try store.messages(topic: "burst", before: start, id: burst[2].id, limit: 3).map(\.payload) == ["1", "0"].map { Array($0.utf8) })
        }
    }

    @Test func aStoreReopensWithItsHistoryAndAReaderSeesAWritersCommits() throws {
        try Self.withFolder { folder in
            let path = folder + "/home.sqlite"
            let writer = try HistoryStore(path: path)
            try writer.write([Self.message("a", "1", at: 1)])
            let reader = try HistoryStore(path: path, readOnly: true)
            #expect(try reader.points(topic: "a", path: "", since: 0).count == 1)
            try writer.write([Self.message("a", "2", at: 2)])
            #expect(try reader.points(topic: "a", path: "", since: 0).map(\.value) == [1, 2])
            #expect(throws: HistoryStore.Failure.self) { try reader.write([Self.message("a", "3", at: 3)]) }
        }
    }

    @Test func aVersion1StoreIsMigratedWithItsHistory() throws {
        try Self.withFolder { folder in
            // A store as the first release wrote it: plain numbers as points at path "".
            let path = folder + "/old.sqlite"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let old = try DatabaseQueue(path: path)
            try HistorySchema.migrator.migrate(old, upTo: "v1")
            try old.write { db in
                try db.execute(sql: """
                    INSERT INTO topic (id, name) VALUES (1, 'home/hall');
                    INSERT INTO series (id, topic, path) VALUES (1, 1, '');
                    INSERT INTO message (topic, time, payload, size, qos, retain) VALUES (1, 10, X'3231', 2, 0, 0), (1, 20, X'3232', 2, 0, 0);
                    INSERT INTO point (series, time, value) VALUES (1, 10, 21), (1, 20, 22);
                    INSERT INTO minute (series, minute, min, max, sum, count) VALUES (1, 0, 21, 22, 43, 2);
                    """)
            }
            try old.close()
            let store = try HistoryStore(path: path)
            #expect(try store.points(topic: "home/hall", path: "", since: 0).map(\.value) == [21, 22])
            try store.write([Self.message("home/hall", "23", at: 30)])
            #expect(try store.points(topic: "home/hall", path: "", since: 0).map(\.value) == [21, 22, 23])
            #expect(try store.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM point") } == 0, "moved into the message rows")
            #expect(try store.savedRetention() == nil)
            try store.save(Retention(raw: 3600, minutes: 86_400, maximumBytes: 1 << 20))
            #expect(try store.savedRetention() == Retention(raw: 3600, minutes: 86_400, maximumBytes: 1 << 20))
        }
    }

    @Test func aBrokenOrNewerStoreIsOneClearLine() throws {
        try Self.withFolder { folder in
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let garbage = folder + "/garbage.sqlite"
            try Data(repeating: 0x41, count: 8192).write(to: URL(fileURLWithPath: garbage))
            #expect { _ = try HistoryStore(path: garbage, readOnly: true) } throws: { error in
                "\(error)".hasPrefix("cannot open the history store \(garbage): ") && !"\(error)".contains("\n")
            }
            let newer = folder + "/newer.sqlite"
            let store = try HistoryStore(path: newer)
            try store.markAppliedForTesting("v99")
            #expect { _ = try HistoryStore(path: newer, readOnly: true) } throws: { error in
                "\(error)" == "the history store \(newer) was written by a newer Hearth"
            }
        }
    }

    @Test func theDefaultPathFollowsXDG() {
        #expect(HistoryStore.defaultPath(host: "broker.lan", port: 1883, environment: ["XDG_STATE_HOME": "/s", "HOME": "/h"])
            == "/s/hearth/broker.lan-1883.sqlite")
        #expect(HistoryStore.defaultPath(host: "::1", port: 8883, environment: ["HOME": "/h"]) == "/h/.local/state/hearth/__1-8883.sqlite")
    }

    @Test func pruningDropsWhatIsTooOldInSmallSteps() throws {
        try Self.withFolder { folder in
            let store = try HistoryStore(path: folder + "/home.sqlite")
            let now = 1_800_000_000.0
            let days = [450.0, 30, 8, 6, 1]
            try store.write(days.map { Self.message("t", "\($0)", at: now - $0 * 86_400) })
            let more = try store.prune(now: now)
            #expect(!more)
            // Raw points and messages: 7 days; per-minute aggregates: 400 days.
            #expect(try store.points(topic: "t", path: "", since: 0).map(\.value) == [6, 1])
            #expect(try store.messages(topic: "t", since: 0).count == 2)
            #expect(try store.minutes(topic: "t", path: "", since: 0).map(\.min) == [30, 8, 6, 1])
        }
    }

    @Test func theSizeCapDropsTheOldestWhateverTheirAge() throws {
        try Self.withFolder { folder in
            let store = try HistoryStore(path: folder + "/home.sqlite")
            let now = 1_800_000_000.0
            let payload = String(repeating: "x", count: 2_000)
            for batch in 0..<10 {
                try store.write((0..<100).map { Self.message("big", payload, at: now - 3600 + Double(batch * 100 + $0)) })
            }
            let before = try store.usedBytes()
            #expect(before > 2_000_000)
            let cap = 500_000
            var rounds = 0
            while try store.prune(now: now, retention: Retention(maximumBytes: cap)), rounds < 100 { rounds += 1 }
            let after = try store.usedBytes()
            #expect(after <= cap + 100_000, "\(after)")
            let left = try store.messages(topic: "big", since: 0)
            #expect(!left.isEmpty && left.count < 1000)
            // The newest stay.
            #expect(left.last?.time == now - 3600 + 999)
        }
    }
}

/// What the dashboard opens on: the recent past of every topic, seeded into the model.
@Suite(.timeLimit(.minutes(1)))
struct RecordedHistoryTests {
    @Test func theLastDayIsReadBackAndSeededIntoTheModel() throws {
        try HistoryStoreTests.withFolder { folder in
            let store = try HistoryStore(path: folder + "/home.sqlite")
            let now = 1_800_000_000.0
            // A day and a half of a reading every 10 minutes, and a door.
            try store.write(stride(from: now - 36 * 3600, through: now, by: 600).map {
                HistoryStoreTests.message("zigbee2mqtt/bedroom", #"{"temperature": \#(18 + sin($0 / 3600)), "humidity": 50}"#, at: $0)
            })
            try store.write([HistoryStoreTests.message("home/door", "closed", at: now - 100, retain: true)])
            try store.write([HistoryStoreTests.message("old/topic", "1", at: now - 3 * 86_400)])
            // First each topic's newest message, with its series still to read.
            let latest = try store.latest(since: now - 86_400)
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
            let series = try store.series(of: "zigbee2mqtt/bedroom", since: now - 86_400)
            #expect(series.map(\.path) == ["temperature", "humidity"])
            #expect(series[0].minutes.count == 145 && series[0].points.count == 145)
            #expect(series[0].points.last?.time == now)
            #expect(try store.series(of: "home/door", since: 0).isEmpty && store.series(of: "no/such", since: 0).isEmpty)
            model.seedSeries(series, of: "zigbee2mqtt/bedroom")
            #expect(!model.historyWanted(id))
            let temperature = try #require(model.topic(at: id)?.series?.series(at: "temperature"))
            #expect(temperature.count == 145 && temperature.perMinute.count == 145)
            #expect(model.node(.root).temperatureCount == 1 && model.node(.root).seriesCount == 2)
            // Live messages append to the recorded past.
            model.ingest(HistoryStoreTests.message("zigbee2mqtt/bedroom", #"{"temperature": 21, "humidity": 50}"#, at: now + 10))
            #expect(model.topic(at: id)?.series?.series(at: "temperature")?.count == 146)
        }
    }

    @Test func aSeriesReadAfterLiveMessagesCountsEachMessageOnce() throws {
        // Half a minute in, so the last recorded minute is still filling when live data arrives.
        let now = 1_800_000_030.0
        var model = TopicModel()
        // Seeded with the store's newest message; a live reading arrives that the recorder also
        // stores, then the series are read, then another live reading the recording never saw.
        model.seed([RecordedHistory(topic: "home/hall", last: HistoryStoreTests.message("home/hall", "21", at: now), series: nil)])
        model.ingest(HistoryStoreTests.message("home/hall", "22", at: now + 10))
        let recorded: [TimeSeries.Point] = [.init(time: now - 120, value: 19), .init(time: now - 60, value: 20),
                                            .init(time: now, value: 21), .init(time: now + 10, value: 22)]
        let minutes = [TimeSeries.Minute(minute: Int64((now - 120) / 60), min: 19, max: 19, sum: 19, count: 1),
                       TimeSeries.Minute(minute: Int64((now - 60) / 60), min: 20, max: 20, sum: 20, count: 1),
                       TimeSeries.Minute(minute: Int64(now / 60), min: 21, max: 22, sum: 43, count: 2)]
        model.seedSeries([(path: "", minutes: minutes, points: recorded)], of: "home/hall")
        model.ingest(HistoryStoreTests.message("home/hall", "23", at: now + 20))
        let hall = try #require(model.find("home/hall"))
        let series = try #require(model.topic(at: hall)?.series?.series(at: ""))
        #expect(series.recent.map(\.value) == [19, 20, 21, 22, 23])
        #expect(series.perMinute.map(\.count) == [1, 1, 3], "the last recorded minute keeps its two readings and gains the new one")
        #expect(series.perMinute.last?.sum == 66)
    }

    @Test func liveReadingsNewerThanTheRecordingJoinItsLastMinute() {
        let now = 1_800_000_030.0
        var live = TimeSeries()
        live.append(21, at: now)          // also recorded
        live.append(24, at: now + 20)     // arrived after the recording was read
        live.append(25, at: now + 60)     // the next minute
        let recorded = TimeSeries(recordedMinutes: [TimeSeries.Minute(minute: Int64(now / 60), min: 20, max: 21, sum: 41, count: 2)],
                                  points: [.init(time: now - 5, value: 20), .init(time: now, value: 21)], then: live)
        #expect(recorded.recent.map(\.value) == [20, 21, 24, 25])
        #expect(recorded.perMinute.map(\.count) == [3, 1])
        #expect(recorded.perMinute.first?.max == 24 && recorded.perMinute.first?.min == 20)
    }
}
