import Dashboard
import Foundation
import MQTT
import TopicModel

/// The topic model shared by the ingest task (writes a batch at a time) and the UI thread (reads
/// one frame at a time), behind one lock.
///
/// `@unchecked Sendable` is sound because the model is only reached through `withModel`, under the lock.
final class SharedModel: @unchecked Sendable {
    private let lock = NSLock()
    private let model = TopicModel()

    func withModel<Result>(_ body: (TopicModel) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(model)
    }

    /// Feeds the client's events into the model until the stream ends, waking the UI after each batch.
    ///
    /// Messages are gathered while the stream has more buffered, then ingested under one lock.
    func ingest(_ events: MQTTEventStream, broker: String, inbox: DashboardInbox) async {
        var iterator = events.makeAsyncIterator()
        var batch: [MQTTMessage] = []
        while let event = await iterator.next() {
            switch event {
            case let .message(message):
                batch.append(message)
            case .messagesDropped:
                // Never: the runner reads with `.pauseReading`, which waits instead of dropping.
                break
            case let .connectionState(state):
                inbox.post(.connection(Self.status(state, broker: broker)))
            }
            if !iterator.hasBufferedEvents || batch.count >= 4096 {
                if !batch.isEmpty {
                    withModel { $0.ingest(batch) }
                    batch.removeAll(keepingCapacity: true)
                }
                inbox.wakeup.signal()
            }
        }
    }

    static func status(_ state: MQTTConnectionState, broker: String) -> ConnectionStatus {
        switch state {
        case .idle, .connecting: return ConnectionStatus(broker: broker, phase: .connecting)
        case let .connected(info): return ConnectionStatus(broker: broker, phase: .connected, version: info.version.description)
        case let .reconnecting(delay, _, lastError):
            return ConnectionStatus(broker: broker, phase: .reconnecting(seconds: Int(delay.seconds.rounded(.up)), lastError: "\(lastError)"))
        case let .closed(error): return ConnectionStatus(broker: broker, phase: .failed(error.map { "\($0)" } ?? "closed"))
        }
    }
}
