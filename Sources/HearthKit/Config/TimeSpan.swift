/// A span of time as people type it: 90s, 30m, 24h, 7d.
///
/// The command line reads it through `@Option(transform: TimeSpan.parse)`, so a value that is not
/// a span says what one looks like.
public struct TimeSpan: Equatable, Sendable {
    public let seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// Parses a number and a unit (s, m, h or d); anything else is a `ConfigurationError`.
    public static func parse(_ argument: String) throws -> TimeSpan {
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        guard let unit = argument.last.flatMap({ units[$0] }), let amount = Double(argument.dropLast()), amount >= 0,
              (amount * unit).isFinite else {
            throw ConfigurationError("expected a number and s, m, h or d, as in 90s, 30m, 24h, 7d")
        }
        return TimeSpan(seconds: amount * unit)
    }
}
