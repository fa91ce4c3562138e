import HearthKit
import Testing

@Suite(.timeLimit(.minutes(1)))
struct TimeSpanTests {
    @Test func unitsScaleTheNumber() throws {
        #expect(try TimeSpan.parse("90s").seconds == 90)
        #expect(try TimeSpan.parse("30m").seconds == 1800)
        #expect(try TimeSpan.parse("1.5h").seconds == 5400)
        #expect(try TimeSpan.parse("7d").seconds == 604_800)
    }

    @Test func anythingElseSaysWhatASpanLooksLike() {
        for bad in ["", "7", "d", "-1h", "7w", "1e400d", "x1s"] {
            #expect(throws: ConfigurationError("expected a number and s, m, h or d, as in 90s, 30m, 24h, 7d")) { try TimeSpan.parse(bad) }
        }
    }
}
