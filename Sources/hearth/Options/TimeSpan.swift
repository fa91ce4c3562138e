import ArgumentParser

/// A span of time on the command line: 90s, 30m, 24h, 7d.
///
/// Read through `@Option(transform: TimeSpan.parse)`, so a value that is not a span says what
/// one looks like.
struct TimeSpan {
    let seconds: Double

    init(seconds: Double) { self.seconds = seconds }

    static func parse(_ argument: String) throws -> TimeSpan {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = argument.last.flatMap({ units[$0] }), let amount = Double(argument.dropLast()), amount >= 0,
              (amount * unit).isFinite else {
            throw ValidationError("expected a number and s, m, h or d, as in 90s, 30m, 24h, 7d")
        }
        return TimeSpan(seconds: amount * unit)
    }
}
