/// A topic's numeric series, one per JSON path ("" for a plain value), in first-seen order.
public struct SeriesSet: Sendable {
    public private(set) var paths: [String] = []
    public private(set) var series: [TimeSeries] = []

    /// The keys that name a temperature, by last path component (case-insensitive).
    static let temperatureKeys: Set<String> = ["temperature", "temp", "tc", "tf"]

    /// Appends each number to its path's series; returns whether a new path appeared.
    @discardableResult
    mutating func record(_ numbers: [(path: String, value: Double)], at time: Double) -> Bool {
        var added = false
        for (position, (path, value)) in numbers.enumerated() {
            // Payloads usually list their fields in the same order every time: try that slot first.
            let index = position < paths.count && paths[position] == path ? position : paths.firstIndex(of: path)
            if let index {
                series[index].append(value, at: time)
            } else if paths.count < NumberExtractor.maximumFields {
                paths.append(path)
                var fresh = TimeSeries()
                fresh.append(value, at: time)
                series.append(fresh)
                added = true
            }
        }
        return added
    }

    /// Adds a recorded series under `path` (replacing one of that path).
    mutating func seed(_ path: String, _ recorded: TimeSeries) {
        if let index = paths.firstIndex(of: path) {
            series[index] = recorded
        } else if paths.count < NumberExtractor.maximumFields {
            paths.append(path)
            series.append(recorded)
        }
    }

    public func series(at path: String) -> TimeSeries? {
        paths.firstIndex(of: path).map { series[$0] }
    }

    /// Whether a JSON path names a temperature (`temperature`, `AM2301.Temperature`, `temperature.tC`).
    public static func isTemperature(_ path: String) -> Bool {
        let last = path.split(separator: ".").last.map(String.init) ?? path
        return temperatureKeys.contains(last.lowercased())
    }
}
