import MQTT

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
    public var stop: Signal
    public var warn: @Sendable (String) -> Void

    public init(session: Session, pipeline: RecordingPipeline<ContinuousClock>, limit: Int? = nil, stop: Signal,
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
        public var description: String { "\(count) message\(count == 1 ? "" : "s") could not be written to the history store and are lost" }
    }

    /// Records until stopped.
    /// - Throws: `Lost` when messages the broker has acknowledged could not be written.
    public func run() async throws {
        let clock = ContinuousClock()
        var delay = Duration.milliseconds(500)
        // Messages recorded, across connections (for `limit`).
        var recorded = 0
        let lost = try await pipeline.run {
            while !stop.isRung {
                do {
                    try await session.run { client, info in
                        warn("connected (MQTT \(info.version)), session \(info.sessionPresent ? "resumed" : "new")")
                        delay = .milliseconds(500)
                        await record(from: client, recorded: &recorded)
                    }
                } catch {
                    warn("\(error); trying again in \(Int(delay / .seconds(1) * 10) / 10) s")
                    _ = await stop.wait(until: clock.now.advanced(by: delay), clock: clock)
                    delay = min(delay * 2, .seconds(30))
                }
            }
        }
        if lost > 0 { throw Lost(count: lost) }
    }

    /// Reads until the client ends (a stop, or a close for good), recording each batch.
    private func record(from client: MQTTClient, recorded: inout Int) async {
        await withTaskGroup(of: Void.self) { group in
            // A stop disconnects the client, which ends its events.
            group.addTask {
                await stop.wait()
                if !Task.isCancelled { await client.disconnect() }
            }
            loop: for await batch in client.events.batches {
                var messages: [MQTTMessage] = []
                for event in batch {
                    switch event {
                    case let .message(message):
                        messages.append(message)
                        recorded += 1
                        if let limit, recorded >= limit {
                            await pipeline.record(messages)
                            stop.ring()
                            break loop
                        }
                    case .resubscribing:
                        await pipeline.record(messages)
                        messages.removeAll()
                        pipeline.resubscribing()
                    case let .connectionState(state):
                        switch state {
                        case .reconnecting, .closed(.some): warn("\(state)")
                        case .idle, .connecting, .connected, .closed(nil): break
                        }
                    case .messagesDropped, .subscriptionsRestored:
                        break
                    }
                }
                await pipeline.record(messages)
            }
            group.cancelAll()
        }
    }
}
