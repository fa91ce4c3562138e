import MQTT
import NIOConcurrencyHelpers
import Synchronization
import TopicModel
import Watch

/// The topic model shared by a session's feed (writes a batch at a time) and its readers (the
/// dashboard's UI thread, a frame at a time; the history loader), behind one lock; with the
/// rules it watches, evaluated as each message goes in.
public final class SharedModel: Sendable {
    /// What the lock guards.
    private struct Watched {
        var model: TopicModel
        var rules: RuleEngine?
    }

    /// A plain pthread mutex, not `Mutex`: on Linux `Mutex` is a priority-inheritance futex, whose
    /// waiters spin in the kernel while the holder runs, and two brokers' feeds on two cores then
    /// spend a sixth of their time spinning (`bench/dashboard_bench.py`, two brokers).
    private let state: NIOLockedValueBox<Watched>
    /// Messages ingested so far, read without the lock (a contended lock spins in the kernel).
    private let ingested = Atomic<Int>(0)

    public init(_ model: TopicModel = TopicModel(), rules: RuleEngine? = nil) {
        state = NIOLockedValueBox(Watched(model: model, rules: rules))
    }

    /// Runs `body` with the model locked: keep it short, the feed waits meanwhile.
    public func withModel<Result: Sendable>(_ body: (inout TopicModel) throws -> Result) rethrows -> Result {
        try state.withLockedValue { state in try body(&state.model) }
    }

    /// Runs `body` with the model and its rules (nil without any) locked.
    public func withRules<Result: Sendable>(_ body: (inout TopicModel, inout RuleEngine?) throws -> Result) rethrows -> Result {
        try state.withLockedValue { state in try body(&state.model, &state.rules) }
    }

    /// Ingests a batch from `broker` under one lock; the rules look at each message's topic.
    public func ingest(_ messages: [MQTTMessage], broker: Int) {
        // One message at a time: TopicModel's sequence-taking ingest is generic, and a generic
        // call across modules is not specialized.
        state.withLockedValue { state in
            for message in messages {
                let node = state.model.ingest(message, broker: broker)
                // The dashboard's rules show what fires; acting on it is `hearth watch`'s.
                _ = state.rules?.observe(node, in: state.model, now: message.receivedAt.timeIntervalSince1970)
            }
        }
        ingested.add(messages.count, ordering: .relaxed)
    }

    /// Adds recorded topics before live messages arrive (`TopicModel.seed`); the rules look at
    /// each, so a sensor that died before the dashboard opened fires at once.
    public func seed(_ recorded: [RecordedHistory], now: Double) {
        state.withLockedValue { state in
            for node in state.model.seed(recorded) { _ = state.rules?.observe(node, in: state.model, now: now) }
        }
    }

    /// Follows a connection event: the model's liveness, and the rules of a broker that went
    /// down (unknown) or came back.
    public func follow(_ event: MQTTEvent, at time: Double, broker: Int) {
        state.withLockedValue { state in
            state.model.follow(event, at: time, broker: broker)
            if case let .connectionState(connection) = event { _ = state.rules?.follow(connection, broker: broker, in: state.model, now: time) }
        }
    }

    /// How many messages `ingest` took so far, without taking the lock.
    public var ingestedCount: Int { ingested.load(ordering: .relaxed) }
}
