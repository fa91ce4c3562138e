import Foundation
import MQTT
@testable import TopicModel
import Testing

/// A recorded past and live readings, joined in the model without counting one twice.
@Suite(.timeLimit(.minutes(1)))
struct RecordedSeriesTests {
    @Test func aSeriesReadAfterLiveMessagesCountsEachMessageOnce() throws {
        // Half a minute in, so the last recorded minute is still filling when live data arrives.
        let now = 1_800_000_030.0
        var model = TopicModel()
        // Seeded with the store's newest message; a live reading arrives that the recorder also
        // stores, then the series are read, then another live reading the recording never saw.
        model.seed([RecordedHistory(topic: "home/hall", last: message("home/hall", "21", at: now), series: nil)])
        model.ingest(message("home/hall", "22", at: now + 10))
        let recorded: [TimeSeries.Point] = [.init(time: now - 120, value: 19), .init(time: now - 60, value: 20),
                                            .init(time: now, value: 21), .init(time: now + 10, value: 22)]
        let minutes = [TimeSeries.Minute(minute: Int64((now - 120) / 60), min: 19, max: 19, sum: 19, count: 1),
                       TimeSeries.Minute(minute: Int64((now - 60) / 60), min: 20, max: 20, sum: 20, count: 1),
                       TimeSeries.Minute(minute: Int64(now / 60), min: 21, max: 22, sum: 43, count: 2)]
        model.seedSeries([(path: "", minutes: minutes, points: recorded)], of: "home/hall")
        model.ingest(message("home/hall", "23", at: now + 20))
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
