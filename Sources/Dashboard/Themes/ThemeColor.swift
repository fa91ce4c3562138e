/// A colour as a theme names it: the terminal's default, one of the 16 ANSI colours, a 256-colour
/// index, or RGB. The terminal layer brings it down to what the terminal can show.
public enum ThemeColor: Sendable, Hashable {
    case terminalDefault
    /// 0-15: black, red, green, yellow, blue, magenta, cyan, white, then their bright forms.
    case ansi(UInt8)
    case indexed(UInt8)
    case rgb(UInt8, UInt8, UInt8)

    static let names = ["black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"]

    /// Parses "default", "red", "bright-blue", "#ff8800" or "color208".
    public init?(_ text: String) {
        let name = text.lowercased()
        if name == "default" { self = .terminalDefault; return }
        if let index = Self.names.firstIndex(of: name) { self = .ansi(UInt8(index)); return }
        if name.hasPrefix("bright-"), let index = Self.names.firstIndex(of: String(name.dropFirst(7))) {
            self = .ansi(UInt8(index + 8)); return
        }
        if name.hasPrefix("color"), let index = UInt8(name.dropFirst(5)) { self = .indexed(index); return }
        if name.hasPrefix("#"), name.count == 7, let value = UInt32(name.dropFirst(), radix: 16) {
            self = .rgb(UInt8(value >> 16 & 0xFF), UInt8(value >> 8 & 0xFF), UInt8(value & 0xFF)); return
        }
        return nil
    }

    /// The nearest colour on a terminal with `colors` colours (8, 16, 256), as a palette index;
    /// -1 for the terminal's default.
    public func index(forPalette colors: Int) -> Int {
        switch self {
        case .terminalDefault: return -1
        case let .ansi(value): return colors > 8 ? Int(value) : Int(value % 8)
        case let .indexed(value):
            if colors >= 256 || value < colors { return Int(value) }
            return Self.nearestANSI(Self.rgbOfIndex(Int(value)), colors: colors)
        case let .rgb(red, green, blue):
            if colors >= 256 { return Self.cubeIndex(red, green, blue) }
            return Self.nearestANSI((Int(red), Int(green), Int(blue)), colors: colors)
        }
    }

    /// The colour as 0xRRGGBB, for direct-colour terminals.
    public var rgbValue: Int? {
        switch self {
        case .terminalDefault: return nil
        case let .rgb(red, green, blue): return Int(red) << 16 | Int(green) << 8 | Int(blue)
        case let .ansi(value): let (r, g, b) = Self.rgbOfIndex(Int(value)); return r << 16 | g << 8 | b
        case let .indexed(value): let (r, g, b) = Self.rgbOfIndex(Int(value)); return r << 16 | g << 8 | b
        }
    }

    // MARK: The xterm palette

    private static let ansiRGB: [(Int, Int, Int)] = [
        (0, 0, 0), (205, 0, 0), (0, 205, 0), (205, 205, 0), (0, 0, 238), (205, 0, 205), (0, 205, 205), (229, 229, 229),
        (127, 127, 127), (255, 0, 0), (0, 255, 0), (255, 255, 0), (92, 92, 255), (255, 0, 255), (0, 255, 255), (255, 255, 255),
    ]
    private static let cubeLevels = [0, 95, 135, 175, 215, 255]

    static func rgbOfIndex(_ index: Int) -> (Int, Int, Int) {
        if index < 16 { return ansiRGB[index] }
        if index >= 232 { let gray = 8 + (index - 232) * 10; return (gray, gray, gray) }
        let cube = index - 16
        return (cubeLevels[cube / 36], cubeLevels[cube / 6 % 6], cubeLevels[cube % 6])
    }

    private static func cubeIndex(_ red: UInt8, _ green: UInt8, _ blue: UInt8) -> Int {
        func level(_ value: UInt8) -> Int {
            cubeLevels.indices.min { abs(cubeLevels[$0] - Int(value)) < abs(cubeLevels[$1] - Int(value)) }!
        }
        return 16 + 36 * level(red) + 6 * level(green) + level(blue)
    }

    private static func nearestANSI(_ rgb: (Int, Int, Int), colors: Int) -> Int {
        let candidates = colors >= 16 ? 0..<16 : 0..<8
        return candidates.min { distance(ansiRGB[$0], rgb) < distance(ansiRGB[$1], rgb) }!
    }

    private static func distance(_ a: (Int, Int, Int), _ b: (Int, Int, Int)) -> Int {
        (a.0 - b.0) * (a.0 - b.0) + (a.1 - b.1) * (a.1 - b.1) + (a.2 - b.2) * (a.2 - b.2)
    }
}
