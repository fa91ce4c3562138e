import Dashboard
import HearthKit
import Synchronization

/// Each broker's connection while several are on screen: what its row shows, and how its
/// first attempt ended (the screen opens as soon as one broker connects, and not at all when
/// every one failed its first attempt).
final class BrokerLinks: Sendable {
    private struct State {
        var statuses: [ConnectionStatus]
        /// Per broker: nil until its first attempt ends, then nil inside (connected) or why it failed.
        var firstOutcomes: [String??]
    }

    private let state: Mutex<State>
    /// Rung once a broker connected, or every one failed its first attempt.
    private let settled = Doorbell.latching()

    init(names: [String]) {
        state = Mutex(State(statuses: names.map { ConnectionStatus(broker: $0, phase: .connecting) },
                            firstOutcomes: Array(repeating: nil, count: names.count)))
    }

    var statuses: [ConnectionStatus] { state.withLock { $0.statuses } }

    /// A broker's link changed; its first change settles its first attempt.
    func update(_ broker: Int, _ status: ConnectionStatus, failure: String? = nil) {
        let ready = state.withLock { state in
            state.statuses[broker] = status
            if state.firstOutcomes[broker] == nil { state.firstOutcomes[broker] = .some(failure) }
            return failure == nil || state.firstOutcomes.allSatisfy { $0 != nil }
        }
        if ready { settled.ring() }
    }

    /// Waits until a broker connected or every one failed once; returns why each failed, when
    /// all did, else nil (a broker still trying is its row's news).
    func firstConnection() async -> [String]? {
        await settled.wait()
        return state.withLock { state in
            let failures = state.firstOutcomes.compactMap { $0 ?? nil }
            return failures.count == state.firstOutcomes.count ? failures : nil
        }
    }
}
