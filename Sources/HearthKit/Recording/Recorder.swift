import MQTT
import TextFormat

/// `hearth record`'s loop: connect (and keep connecting), read, record, until `stop` rings.
///
/// The client reconnects by itself once connected; when even the first connection fails (the
/// broker is down or unreachable) the recorder tries again, for ever, backing off to 30 s.
public struct Recorder: Sendable {
    public var session: Session
    public var pipeline: RecordingPipeline<ContinuousClock>
    /// Stop after recording this many messages (benchmarks).
    public var limit: Int?
    /// Rung by a signal, or by `limit`.
    public var stop: Doorbell
    public var warn: @Sendable (String) -> Void

    public init(session: Session, pipeline: RecordingPipeline<ContinuousClock>, limit: Int? = nil, stop: Doorbell,
                warn: @escaping @Sendable (String) -> Void = { Diagnostics.warn($0) }) {
        self.session = session
        self.pipeline = pipeline
        self.limit = limit
        self.stop = stop
        self.warn = warn
    }

    /// Messages received but never written: dropped while writes failed, or still waiting at the stop.
    public struct Lost: Error, CustomStringConvertible {
        public let count: Int
        public init(count: Int) { self.count = count }
        public var description: String { "\(count) message\(count == 1 ? "" : "s") could not be written to the history store and are lost" }
    }

    /// What a run did: messages written to the store, and messages lost (see `Lost`).
    public struct Summary: Sendable, Equatable {
        public let recorded: Int
        public let lost: Int
    }

    /// Records until stopped; returns what it recorded, and what it lost (messages the broker
    /// had acknowledged that could not be written).
    public func run() async throws -> Summary {
        let clock = ContinuousClock()
        var delay = Duration.milliseconds(500)
        // Messages recorded, across connections (for `limit`).
        var recorded = 0
        let lost = try await pipeline.run {
            while !stop.isRung, !Task.isCancelled {
                do {
                    try await session.run { client, info in
                        warn(Self.connected(info))
                        delay = .milliseconds(500)
                        // The broker may resend retained values on this subscription.
                        pipeline.resubscribing()
                        recorded += await record(from: client, limit: limit.map { $0 - recorded })
                    }
                } catch {
                    warn("\(error); trying again in \(ValueFormat.short(delay / .seconds(1), digits: 1)) s")
                    _ = await stop.wait(until: clock.now.advanced(by: delay), clock: clock)
                    delay = min(delay * 2, .seconds(30))
                }
            }
        }
        return Summary(recorded: pipeline.recordedCount, lost: lost)
    }

    /// Records until the client ends (a stop, or a close for good) or `limit` more messages came;
    /// returns how many came.
    private func record(from client: MQTTClient, limit: Int?) async -> Int {
        let stop = stop
        return await client.disconnecting(when: { await stop.wait() }) {
            // The first connection was said when the session started; the client's reconnects
            // are said here, so the log never ends on "reconnecting" once it is back.
            var connections = 0
            let fed = await SessionFeed.run(client.events.batches, model: nil, recording: pipeline, limit: limit) { news in
                guard case let .connection(state, _, _) = news else { return }
                switch state {
                case .reconnecting, .closed(.some):
                    warn("\(state)")
                case let .connected(info):
                    if connections > 0 { warn(Self.connected(info)) }
                    connections += 1
                case .idle, .connecting, .closed(nil):
                    break
                }
            }
            if let limit, fed >= limit { stop.ring() }
            return fed
        }
    }

    /// "connected (MQTT 5.0), session resumed": said at each connection.
    static func connected(_ info: MQTTConnectionInfo) -> String {
        "connected (MQTT \(info.version)), session \(info.sessionPresent ? "resumed" : "new")"
    }
}
