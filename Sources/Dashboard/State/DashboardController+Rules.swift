/// The rules view (`a`): each rule's state, and its silence.
extension DashboardController {
    /// Opens the rules view, or says how to have rules.
    func openRules() {
        guard !ruleNames.isEmpty else {
            state.status = ("no rules: add [[rules]] to config.toml (hearth watch --help shows one)", false)
            return
        }
        state.mode = .rules(cursor: 0)
    }

    /// A key in the rules view: move, silence the highlighted rule (`s` an hour, `S` until it
    /// resolves, `u` lift), or close.
    func rulesKey(_ key: Key, cursor: Int) -> [DashboardAction] {
        let last = max(0, ruleNames.count - 1)
        let cursor = min(cursor, last)
        func silence(_ request: SilenceRequest) -> [DashboardAction] {
            guard ruleNames.indices.contains(cursor) else { return [] }
            return [.silence(rule: ruleNames[cursor], request)]
        }
        switch key {
        case .up, .character("k"): state.mode = .rules(cursor: max(0, cursor - 1))
        case .down, .character("j"): state.mode = .rules(cursor: min(last, cursor + 1))
        case .home, .character("g"): state.mode = .rules(cursor: 0)
        case .end, .character("G"): state.mode = .rules(cursor: last)
        case .character("s"): return silence(.hour)
        case .character("S"): return silence(.untilResolved)
        case .character("u"): return silence(.lift)
        case .escape, .character("a"), .character("q"), .enter: state.mode = .browse
        default: break
        }
        return []
    }
}
