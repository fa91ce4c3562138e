import TextFormat

/// A span of time as people type it: 90s, 30m, 24h, 7d.
///
/// The command line reads it through `@Option(transform: TimeSpan.parse)`, so a value that is not
/// a span says what one looks like.
public struct TimeSpan: Equatable, Sendable, CustomStringConvertible {
    public let seconds: Double

    public init(seconds: Double) { self.seconds = seconds }

    /// As the help text says spans: "90 s", "30 min", "24 h", "7 d".
    public var description: String {
        func whole(_ unit: Double) -> Bool { seconds >= unit && seconds.truncatingRemainder(dividingBy: unit) == 0 }
        func amount(_ unit: Double) -> String { ValueFormat.short(seconds / unit, digits: 1) }
        if whole(86_400), seconds >= 2 * 86_400 { return amount(86_400) + " d" }
        if seconds >= 3600 { return amount(3600) + " h" }
        if seconds >= 60 { return amount(60) + " min" }
        return amount(1) + " s"
    }

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
