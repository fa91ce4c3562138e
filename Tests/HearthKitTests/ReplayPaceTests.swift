import HearthKit
import Testing

/// A replay's pace: recorded gaps scaled by the speed, or none at max.
@Suite(.timeLimit(.minutes(1))) struct ReplayPaceTests {
    @Test func gapsAreScaledByTheSpeed() {
        let pace = ReplayPace(speed: 10, firstRecorded: 1_000, start: 50)
        #expect(pace.due(recorded: 1_000) == 50)
        #expect(pace.due(recorded: 1_060) == 56)
        // A message recorded before the first (clocks that moved back) goes at once.
        #expect(pace.due(recorded: 990) == 50)
        #expect(ReplayPace(speed: 0.5, firstRecorded: 0, start: 0).due(recorded: 30) == 60)
        #expect(ReplayPace(speed: nil, firstRecorded: 0, start: 7).due(recorded: 3_600) == 7)
    }
}
