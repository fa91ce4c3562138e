/// What a key asks of a position in a list: a line or a page up or down, or an end.
enum ListMove {
    case by(Int)
    case first
    case last

    /// The move a key makes with pages of `page` lines, or nil for any other key.
    init?(_ key: Key, page: Int) {
        switch key {
        case .up, .character("k"): self = .by(-1)
        case .down, .character("j"): self = .by(1)
        case .pageUp: self = .by(-page)
        case .pageDown: self = .by(page)
        case .home, .character("g"): self = .first
        case .end, .character("G"): self = .last
        default: return nil
        }
    }

    /// The new position (never below 0; the caller clamps the top end, which it knows).
    func applied(to position: Int) -> Int {
        switch self {
        case let .by(delta): return max(0, position + delta)
        case .first: return 0
        case .last: return Int(Int32.max)
        }
    }
}
