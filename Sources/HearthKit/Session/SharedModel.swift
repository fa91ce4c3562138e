import MQTT
import NIOConcurrencyHelpers
import Synchronization
import TopicModel

/// The topic model shared by a session's feed (writes a batch at a time) and its readers (the
/// dashboard's UI thread, a frame at a time; the history loader), behind one lock.
public final class SharedModel: Sendable {
    /// A plain pthread mutex, not `Mutex`: on Linux `Mutex` is a priority-inheritance futex, whose
    /// waiters spin in the kernel while the holder runs, and two brokers' feeds on two cores then
    /// spend a sixth of their time spinning (`bench/dashboard_bench.py`, two brokers).
    private let model: NIOLockedValueBox<TopicModel>
    /// Messages ingested so far, read without the lock (a contended lock spins in the kernel).
    private let ingested = Atomic<Int>(0)

    public init(_ model: TopicModel = TopicModel()) {
        self.model = NIOLockedValueBox(model)
    }

    /// Runs `body` with the model locked: keep it short, the feed waits meanwhile.
    public func withModel<Result: Sendable>(_ body: (inout TopicModel) throws -> Result) rethrows -> Result {
        try model.withLockedValue { model in try body(&model) }
    }

    /// Ingests a batch from `broker` under one lock.
    public func ingest(_ messages: [MQTTMessage], broker: Int) {
        // One message at a time: TopicModel's sequence-taking ingest is generic, and a generic
        // call across modules is not specialized.
        withModel { model in
            for message in messages { model.ingest(message, broker: broker) }
        }
        ingested.add(messages.count, ordering: .relaxed)
    }

    /// How many messages `ingest` took so far, without taking the lock.
    public var ingestedCount: Int { ingested.load(ordering: .relaxed) }
}
