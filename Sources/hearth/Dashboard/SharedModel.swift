import Dashboard
import Foundation
import MQTT
import Synchronization
import TopicModel

/// The topic model shared by the ingest task (writes a batch at a time) and the UI thread (reads
/// one frame at a time), behind one lock.
final class SharedModel: Sendable {
    private let model = Mutex(TopicModel())

    func withModel<Result: Sendable>(_ body: (inout TopicModel) throws -> Result) rethrows -> Result {
        try model.withLock { model in try body(&model) }
    }

    /// Feeds the client's events into the model (and into `recording`, with `--record`) until the
    /// stream ends, waking the UI after each batch.
    ///
    /// Messages are gathered while the stream has more buffered, then ingested under one lock.
    /// Connection changes reach the model too: staleness counts connected time only, and the
    /// retained state is reconciled against the burst that follows a resubscription.
    func ingest(_ events: MQTTEventStream, broker: String, inbox: DashboardInbox, recording: DashboardRecording? = nil) async {
        var iterator = events.makeAsyncIterator()
        var batch: [MQTTMessage] = []
        var downSince: Double?
        while let event = await iterator.next() {
            switch event {
            case let .message(message):
                batch.append(message)
            case .messagesDropped:
                // Never: the runner reads with `.pauseReading`, which waits instead of dropping.
                break
            case .resubscribing, .subscriptionsRestored:
                flush(&batch, recording)
                if case .resubscribing = event { recording?.resubscribing() }
                withModel { $0.follow(event, at: Date().timeIntervalSince1970) }
            case let .connectionState(state):
                flush(&batch, recording)
                let now = Date().timeIntervalSince1970
                withModel { $0.follow(event, at: now) }
                if state.isConnected {
                    downSince = nil
                } else if case .reconnecting = state, downSince == nil {
                    downSince = now
                }
                inbox.post(.connection(Self.status(state, broker: broker, now: now, downSince: downSince)))
            }
            if !iterator.hasBufferedEvents || batch.count >= 4096 {
                flush(&batch, recording)
                inbox.wakeup.signal()
            }
        }
    }

    private func flush(_ batch: inout [MQTTMessage], _ recording: DashboardRecording?) {
        guard !batch.isEmpty else { return }
        recording?.record(batch)
        withModel { $0.ingest(batch) }
        batch.removeAll(keepingCapacity: true)
    }

    static func status(_ state: MQTTConnectionState, broker: String, now: Double, downSince: Double?) -> ConnectionStatus {
        switch state {
        case .idle, .connecting: return ConnectionStatus(broker: broker, phase: .connecting, downSince: downSince)
        case let .connected(info): return ConnectionStatus(broker: broker, phase: .connected, version: info.version.description)
        case let .reconnecting(delay, _, lastError):
            return ConnectionStatus(broker: broker, phase: .reconnecting(retryAt: now + delay / .seconds(1), lastError: "\(lastError)"),
                                    downSince: downSince)
        case let .closed(error):
            return ConnectionStatus(broker: broker, phase: .failed(error.map { "\($0)" } ?? "closed"), downSince: downSince)
        }
    }
}
