import Foundation
import MQTT
import TopicModel

/// What a feed tells its owner, after each batch and at each connection change.
public enum FeedNews: Sendable {
    /// Messages went into the model (a batch, or `lockedBatchLimit` of a long one): how many, and
    /// whether any was retained.
    case ingested(messages: Int, retained: Bool)
    /// The connection changed (the model has followed it). `downSince` is when it was lost, nil
    /// while connected.
    case connection(MQTTConnectionState, at: Double, downSince: Double?)
    /// The client dropped messages its consumer was too slow for (only with `.dropQoS0`; the
    /// commands read with `.pauseReading`, which waits instead).
    case dropped(Int)
}

/// Where a session's events go: into a model, into the recording pipeline, or both. The one
/// loop over a session's batches, for the dashboard, `tree` and `record`.
public enum SessionFeed {
    /// The most messages ingested under one model lock: a reader waits at most this long.
    public static var lockedBatchLimit: Int { 4096 }

    /// Feeds events into `model` (as `broker`'s, in a model of several) and `recording` until the
    /// stream ends or `limit` messages went in; returns how many did.
    ///
    /// Each batch the client hands over is ingested under one lock (at most `lockedBatchLimit`
    /// messages at a time), after the recording has it. Connection changes reach the model too:
    /// staleness counts connected time only, and the retained state is reconciled against the
    /// burst that follows a resubscription; the recording learns of the resubscription too.
    /// `news` runs on the caller's task, with the model unlocked.
    @discardableResult
    public static func run<C>(_ batches: MQTTEventBatches, model: SharedModel?, broker: Int = 0, recording: RecordingPipeline<C>?,
                              limit: Int? = nil, news: (FeedNews) -> Void = { _ in }) async -> Int {
        var messages: [MQTTMessage] = []
        var fed = 0
        var downSince: Double?
        // Messages since the last news, and whether one was retained.
        var unreported = 0
        var retained = false
        /// Ingests what waits and says so.
        func deliver() async {
            await ingest(&messages, model, broker, recording)
            news(.ingested(messages: unreported, retained: retained))
            unreported = 0
            retained = false
        }
        loop: for await var batch in batches {
            while let event = batch.popFirst() {
                switch event {
                case let .message(message):
                    messages.append(message)
                    unreported += 1
                    retained = retained || message.retain
                    fed += 1
                    if let limit, fed >= limit { break loop }
                    // A long batch is news every `lockedBatchLimit` messages, not only at its end.
                    if messages.count >= lockedBatchLimit { await deliver() }
                case let .messagesDropped(count):
                    news(.dropped(count))
                case .resubscribing, .subscriptionsRestored:
                    await ingest(&messages, model, broker, recording)
                    if case .resubscribing = event { recording?.resubscribing() }
                    model?.follow(event, at: Date().timeIntervalSince1970, broker: broker)
                case let .connectionState(state):
                    await ingest(&messages, model, broker, recording)
                    let now = Date().timeIntervalSince1970
                    model?.follow(event, at: now, broker: broker)
                    if state.isConnected {
                        downSince = nil
                    } else if case .reconnecting = state, downSince == nil {
                        downSince = now
                    }
                    news(.connection(state, at: now, downSince: downSince))
                }
            }
            await deliver()
        }
        // Stopped at `limit` within a batch.
        if unreported > 0 { await deliver() }
        return fed
    }

    private static func ingest<C>(_ messages: inout [MQTTMessage], _ model: SharedModel?, _ broker: Int,
                                  _ recording: RecordingPipeline<C>?) async {
        guard !messages.isEmpty else { return }
        await recording?.record(messages)
        model?.ingest(messages, broker: broker)
        messages.removeAll(keepingCapacity: true)
    }
}

extension SharedModel {
    /// Feeds a session's events into this model (and into `recording`): `SessionFeed.run`.
    ///
    /// Not generic: a generic call from another module would run unspecialized, message by message.
    @discardableResult
    public func feed(_ batches: MQTTEventBatches, broker: Int = 0, recording: RecordingPipeline<ContinuousClock>? = nil,
                     limit: Int? = nil, news: (FeedNews) -> Void = { _ in }) async -> Int {
        await SessionFeed.run(batches, model: self, broker: broker, recording: recording, limit: limit, news: news)
    }
}
