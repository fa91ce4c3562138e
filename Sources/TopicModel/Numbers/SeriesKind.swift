import Foundation

/// What a series measures, as far as its unit and its name tell; it decides the smallest span a
/// graph of it shows, so that sensor noise looks like noise.
public enum SeriesKind: Sendable, Hashable {
    case temperature
    /// Humidity, battery, and anything in percent.
    case percentage
    case other

    /// The kind from the unit when there is one (Home Assistant discovery, or the payload's own),
    /// else from the field's name (the JSON path's last key, or the topic's last level).
    public static func of(unit: String?, name: String) -> SeriesKind {
        if let unit, !unit.isEmpty {
            // The common units as written, before any string is built.
            if let kind = commonUnits[unit] { return kind }
            let normalized = unit.filter { !$0.isWhitespace }.lowercased()
            if temperatureUnits.contains(normalized) { return .temperature }
            if normalized.hasPrefix("%") { return .percentage }
            if !normalized.isEmpty { return .other }
        }
        let key = ReadingConvention.lastKey(name.utf8.contains(UInt8(ascii: "/")) ? String(name.split(separator: "/").last ?? "") : name)
        if SeriesSet.temperatureKeys.contains(key) || key.hasSuffix("_temperature") || key.hasSuffix("temperature") {
            return .temperature
        }
        if percentageKeys.contains(key) || key.hasSuffix("_humidity") || key.hasSuffix("humidity") { return .percentage }
        return .other
    }

    static let commonUnits: [String: SeriesKind] = [
        "°C": .temperature, "°F": .temperature, "%": .percentage, "W": .other, "kWh": .other, "V": .other, "mV": .other,
        "A": .other, "hPa": .other, "lx": .other, "Wh": .other, "lqi": .other,
    ]
    static let temperatureUnits: Set<String> = ["°c", "°f", "℃", "℉", "c", "f", "degc", "degf", "celsius", "fahrenheit"]
    static let percentageKeys: Set<String> = ["humidity", "hum", "rh", "battery", "bat", "moisture", "percent", "percentage"]

    /// The smallest span from a graph's bottom to its top: 2 degrees, 10 points, or 5% of the
    /// values' magnitude (1 when they are all 0).
    public func minimumSpan(magnitude: Double) -> Double {
        switch self {
        case .temperature: return 2
        case .percentage: return 10
        case .other: return magnitude > 0 ? magnitude * 0.05 : 1
        }
    }
}

/// The vertical range a series is drawn over: its own minimum and maximum, widened about their
/// middle to its kind's minimum span. Tree sparklines, the overview and the detail graph all use it.
public struct SeriesScale: Sendable, Hashable {
    public let low: Double
    public let high: Double

    public init(low: Double, high: Double, kind: SeriesKind) {
        let minimum = kind.minimumSpan(magnitude: max(abs(low), abs(high)))
        if high - low >= minimum {
            self.low = low
            self.high = high
        } else {
            let middle = (low + high) / 2
            self.low = middle - minimum / 2
            self.high = middle + minimum / 2
        }
    }

    /// The scale of the buckets that hold points; nil when none does.
    public init?(_ buckets: [SparkBucket], kind: SeriesKind) {
        guard let range = Self.range(of: buckets) else { return nil }
        self.init(low: range.lowerBound, high: range.upperBound, kind: kind)
    }

    /// The lowest and highest value of the buckets that hold points; nil when none does.
    public static func range(of buckets: [SparkBucket]) -> ClosedRange<Double>? {
        var low = Double.infinity, high = -Double.infinity
        for bucket in buckets where bucket.count > 0 {
            low = Swift.min(low, bucket.min)
            high = Swift.max(high, bucket.max)
        }
        return low <= high ? low...high : nil
    }

    /// This range widened to a grid of about an eighth of its span (1, 2 or 5 times a power of
    /// ten): a sparkline's cells keep their heights while new values stay inside it, so a slow
    /// drift redraws one cell per message, not the whole line each time the maximum moves.
    public func snapped() -> SeriesScale {
        let span = high - low
        guard span > 0, span.isFinite else { return self }
        let rough = span / 8
        let power = pow(10, log10(rough).rounded(.down))
        let step = [1.0, 2, 5, 10].map { $0 * power }.first { $0 >= rough } ?? 10 * power
        let snappedLow = (low / step).rounded(.down) * step, snappedHigh = (high / step).rounded(.up) * step
        // A span too small or too large for the grid (near the ends of a Double) stays as it is.
        guard step > 0, step.isFinite, snappedLow.isFinite, snappedHigh.isFinite, snappedLow < snappedHigh else { return self }
        return SeriesScale(exactly: snappedLow, snappedHigh)
    }

    /// The scale to draw with where `previous` was drawn the frame before: kept while the
    /// values (`data`, before widening) stay inside it and it is at most twice this scale's
    /// snapped span, so a drift redraws a cell per message, not the whole line each time the
    /// range moves. Left by the values, the new scale (snapped) takes a quarter of its span more
    /// room on the side they left by, so a steady drift does not leave it again at once.
    public func holding(_ previous: SeriesScale?, data: ClosedRange<Double>) -> SeriesScale {
        let snapped = snapped()
        guard let previous else { return snapped }
        if previous.low <= data.lowerBound, data.upperBound <= previous.high, previous.high - previous.low <= 2 * (snapped.high - snapped.low) {
            return previous
        }
        let room = (high - low) / 4
        let roomier = SeriesScale(exactly: data.lowerBound < previous.low ? low - room : low, data.upperBound > previous.high ? high + room : high)
        guard roomier.low.isFinite, roomier.high.isFinite else { return snapped }
        return roomier.snapped()
    }

    private init(exactly low: Double, _ high: Double) {
        self.low = low
        self.high = high
    }

    /// Where `value` sits, from 0 (bottom) to 1 (top).
    public func fraction(_ value: Double) -> Double {
        guard high > low else { return 0.5 }
        return Swift.min(1, Swift.max(0, (value - low) / (high - low)))
    }
}
