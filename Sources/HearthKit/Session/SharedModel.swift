import Synchronization
import TopicModel

/// The topic model shared by a session's feed (writes a batch at a time) and its readers (the
/// dashboard's UI thread, a frame at a time; the history loader), behind one lock.
public final class SharedModel: Sendable {
    private let model: Mutex<TopicModel>

    public init(_ model: TopicModel = TopicModel()) {
        self.model = Mutex(model)
    }

    /// Runs `body` with the model locked: keep it short, the feed waits meanwhile.
    public func withModel<Result: Sendable>(_ body: (inout TopicModel) throws -> Result) rethrows -> Result {
        try model.withLock { model in try body(&model) }
    }
}
