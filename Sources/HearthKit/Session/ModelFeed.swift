import Foundation
import MQTT
import TopicModel

/// What a feed tells its owner, after each batch and at each connection change.
public enum FeedNews: Sendable {
    /// A batch went into the model: how many messages, and whether any was retained.
    case ingested(messages: Int, retained: Bool)
    /// The connection changed (the model has followed it). `downSince` is when it was lost, nil
    /// while connected.
    case connection(MQTTConnectionState, at: Double, downSince: Double?)
}

extension SharedModel {
    /// The most messages ingested under one lock: a reader waits at most this long.
    public static var lockedBatchLimit: Int { 4096 }

    /// Feeds a session's events into the model (and into `recording`) until the stream ends or
    /// `limit` messages went in; returns how many did.
    ///
    /// Each batch the client hands over is ingested under one lock (at most `lockedBatchLimit`
    /// messages at a time). Connection changes reach the model too: staleness counts connected
    /// time only, and the retained state is reconciled against the burst that follows a
    /// resubscription. `news` runs on the caller's task, with the model unlocked.
    @discardableResult
    public func feed<C>(_ batches: MQTTEventBatches, recording: RecordingPipeline<C>? = nil, limit: Int? = nil,
                        news: (FeedNews) -> Void = { _ in }) async -> Int {
        var messages: [MQTTMessage] = []
        var fed = 0
        var downSince: Double?
        // The current batch's messages and whether one was retained, for `news`.
        var inBatch = 0
        var retained = false
        loop: for await batch in batches {
            for event in batch {
                switch event {
                case let .message(message):
                    messages.append(message)
                    inBatch += 1
                    retained = retained || message.retain
                    fed += 1
                    if let limit, fed >= limit { break loop }
                    if messages.count >= Self.lockedBatchLimit { await ingest(&messages, recording) }
                case .messagesDropped:
                    // Never: sessions read with `.pauseReading`, which waits instead of dropping.
                    break
                case .resubscribing, .subscriptionsRestored:
                    await ingest(&messages, recording)
                    if case .resubscribing = event { recording?.resubscribing() }
                    withModel { $0.follow(event, at: Date().timeIntervalSince1970) }
                case let .connectionState(state):
                    await ingest(&messages, recording)
                    let now = Date().timeIntervalSince1970
                    withModel { $0.follow(event, at: now) }
                    if state.isConnected {
                        downSince = nil
                    } else if case .reconnecting = state, downSince == nil {
                        downSince = now
                    }
                    news(.connection(state, at: now, downSince: downSince))
                }
            }
            await ingest(&messages, recording)
            news(.ingested(messages: inBatch, retained: retained))
            inBatch = 0
            retained = false
        }
        // Stopped at `limit` within a batch.
        if inBatch > 0 {
            await ingest(&messages, recording)
            news(.ingested(messages: inBatch, retained: retained))
        }
        return fed
    }

    /// `feed` without recording.
    @discardableResult
    public func feed(_ batches: MQTTEventBatches, limit: Int? = nil, news: (FeedNews) -> Void = { _ in }) async -> Int {
        await feed(batches, recording: RecordingPipeline<ContinuousClock>?.none, limit: limit, news: news)
    }

    private func ingest<C>(_ messages: inout [MQTTMessage], _ recording: RecordingPipeline<C>?) async {
        guard !messages.isEmpty else { return }
        await recording?.record(messages)
        withModel { $0.ingest(messages) }
        messages.removeAll(keepingCapacity: true)
    }
}
