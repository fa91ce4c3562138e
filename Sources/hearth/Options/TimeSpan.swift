import ArgumentParser

/// A span of time on the command line: 90s, 30m, 24h, 7d.
struct TimeSpan: ExpressibleByArgument {
    let seconds: Double
    /// As typed, for help ("default: 24h").
    let defaultValueDescription: String

    init(seconds: Double, spelled spelling: String) {
        self.seconds = seconds
        defaultValueDescription = spelling
    }

    init?(argument: String) {
        defaultValueDescription = argument
        guard let unit = argument.last, let amount = Double(argument.dropLast()), amount >= 0 else { return nil }
        switch unit {
        case "s": seconds = amount
        case "m": seconds = amount * 60
        case "h": seconds = amount * 3600
        case "d": seconds = amount * 86_400
        default: return nil
        }
    }
}
