/// Messages per second for the header, from the model's message count sampled at each frame.
struct RateMeter {
    private var samples: [(time: Double, count: Int)] = []
    /// The span the rate is averaged over.
    static let window = 3.0

    private(set) var perSecond = 0.0

    mutating func record(count: Int, at time: Double) {
        samples.append((time, count))
        // Keep one sample older than the window, so the rate spans all of it.
        while samples.count > 2, samples[1].time <= time - Self.window { samples.removeFirst() }
        guard let first = samples.first, time > first.time else { return }
        perSecond = Double(count - first.count) / (time - first.time)
    }

    /// True while the rate shown is not zero: it will change as time passes.
    var isMoving: Bool { perSecond > 0 }
}
