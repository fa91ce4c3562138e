/// How long a rule stays silenced.
public enum Silence: Sendable, Equatable {
    /// Until then (seconds since 1970).
    case until(Double)
    /// Until none of its alerts fires.
    case untilResolved
}

extension Silence {
    /// The saved silences still in force at `now`, by rule.
    public static func byRule(_ saved: [WatchState.SavedSilence], now: Double) -> [String: Silence] {
        var silences: [String: Silence] = [:]
        for silence in saved {
            if let until = silence.until {
                if until > now { silences[silence.rule] = .until(until) }
            } else {
                silences[silence.rule] = .untilResolved
            }
        }
        return silences
    }
}
