/// How much time the detail graph covers; `[` and `]` step through them.
public enum GraphWindow: Int, CaseIterable, Sendable {
    case fiveMinutes = 300
    case hour = 3600
    case day = 86400

    public var seconds: Double { Double(rawValue) }

    /// "5 min", "1 h", "24 h".
    public var label: String {
        switch self {
        case .fiveMinutes: return "5 min"
        case .hour: return "1 h"
        case .day: return "24 h"
        }
    }

    /// The next shorter window (`[`), or this one when it is the shortest.
    public var shorter: GraphWindow { Self.allCases.last { $0.rawValue < rawValue } ?? self }
    /// The next longer window (`]`), or this one when it is the longest.
    public var longer: GraphWindow { Self.allCases.first { $0.rawValue > rawValue } ?? self }
}
