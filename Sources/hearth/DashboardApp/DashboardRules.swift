import Dashboard
import HearthKit
import Watch

/// The rules on the dashboard: evaluated in the shared model as messages arrive (the header
/// counts what fires, the overview lists it, `a` shows each rule), their silences and last
/// actions shared with `hearth watch` through its state file. Used on the UI thread only.
final class DashboardRules {
    let stateFile: WatchStateFile
    /// Each rule's last action in `hearth watch`, as its state file says.
    private(set) var actions: [String: WatchState.ActionResult] = [:]
    /// When the state file was last looked at: every few seconds is enough.
    private var lookedAt = -Double.infinity
    static let lookInterval = 3.0

    init(stateFile: WatchStateFile) {
        self.stateFile = stateFile
    }

    /// Takes up what `hearth watch` saved (what fires and since when, silences) into the engine
    /// the dashboard starts with; returns why the state file could not be read, if it could not
    /// (it is left alone).
    static func restore(_ engine: inout RuleEngine, from stateFile: WatchStateFile, now: Double) -> String? {
        do {
            if let state = try stateFile.load() { engine.restore(state, now: now) }
            return nil
        } catch {
            return "\(error)"
        }
    }

    /// Takes up silences and last actions `hearth watch` (or another dashboard) wrote, at once
    /// and then when the file changes; returns whether anything did.
    func look(_ model: SharedModel, now: Double) -> Bool {
        guard now - lookedAt >= Self.lookInterval else { return false }
        let first = lookedAt == -.infinity
        lookedAt = now
        guard let state = try? first ? stateFile.load() : stateFile.changedByOthers() else { return false }
        adopt(state, model: model, now: now)
        return true
    }

    /// Silences a rule (or lifts it) here and in the state file; returns the status line.
    func silence(_ rule: String, _ request: SilenceRequest, model: SharedModel, now: Double) -> (text: String, isError: Bool) {
        do {
            let state = try stateFile.update { state in
                state.silences.removeAll { $0.rule == rule }
                switch request {
                case .hour: state.silences.append(WatchState.SavedSilence(rule: rule, until: now + 3600))
                case .untilResolved: state.silences.append(WatchState.SavedSilence(rule: rule, until: nil))
                case .lift: break
                }
            }
            adopt(state, model: model, now: now)
        } catch {
            return ("\(error)", true)
        }
        switch request {
        case .hour: return ("\(rule): silenced for an hour (hearth watch runs no action for it)", false)
        case .untilResolved: return ("\(rule): silenced until it resolves", false)
        case .lift: return ("\(rule): no longer silenced", false)
        }
    }

    private func adopt(_ state: WatchState, model: SharedModel, now: Double) {
        actions = state.actions
        model.withRules { model, rules in
            rules?.adoptSilences(state.silences, now: now)
            rules?.followSaved(state, in: model)
        }
    }
}
