import Foundation

/// One room's air: a day-and-night curve with noise, pulled up while its heater is on.
///
/// A simulated day lasts `dayLength` seconds, so curves show in minutes rather than hours.
struct RoomClimate {
    let name: String
    let base: Double
    let amplitude: Double
    let phase: Double
    var heaterOn = false
    private(set) var temperature: Double
    private(set) var humidity: Double
    private var generator: SplitMix

    static let dayLength = 600.0
    /// How much warmer a room ends up with its heater on.
    static let heaterBoost = 3.5

    init(name: String, base: Double, amplitude: Double, phase: Double, seed: UInt64) {
        self.name = name
        self.base = base
        self.amplitude = amplitude
        self.phase = phase
        temperature = base
        humidity = 50
        generator = SplitMix(seed: seed)
    }

    /// Moves the room on by `step` seconds, to simulated time `time`.
    mutating func advance(to time: Double, step: Double) {
        let day = sin(2 * .pi * (time / Self.dayLength + phase))
        let target = base + amplitude * day + (heaterOn ? Self.heaterBoost : 0)
        // First-order lag towards the target: about a minute's time constant.
        let pull = 1 - exp(-step / 60)
        temperature += (target - temperature) * pull + generator.noise(0.05)
        humidity += (55 - 6 * day - humidity) * pull - (heaterOn ? 0.05 : 0) + generator.noise(0.3)
        humidity = min(95, max(20, humidity))
    }
}

/// A small deterministic random source, so a demo run looks alike each time.
struct SplitMix {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }

    /// Uniform in -scale...scale.
    mutating func noise(_ scale: Double) -> Double {
        (Double(next() >> 11) / Double(1 << 53) * 2 - 1) * scale
    }
}
