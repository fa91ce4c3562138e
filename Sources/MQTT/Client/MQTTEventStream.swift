import DequeModule
import NIOConcurrencyHelpers

/// The client's events as an AsyncSequence, buffered without bound on time but not on size.
///
/// The producer (the client, on its event loop) never waits: when the buffer holds `limit`
/// events, further QoS 0 messages are dropped and counted, and the count is delivered as
/// `.messagesDropped` ahead of the next events. One consumer at a time.
///
/// ```swift
/// for await event in client.events {
///     if case let .message(message) = event { print(message.topic) }
/// }
/// ```
public struct MQTTEventStream: AsyncSequence, Sendable {
    public typealias Element = MQTTEvent
    let buffer: MQTTEventBuffer

    public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

    public struct Iterator: AsyncIteratorProtocol {
        let buffer: MQTTEventBuffer
        /// Events already taken from the shared buffer, served without locking.
        var local = Deque<MQTTEvent>()

        /// True while events taken in the last batch are still waiting to be returned: a consumer
        /// that buffers output can flush when this turns false.
        public var hasBufferedEvents: Bool { !local.isEmpty }

        public mutating func next() async -> MQTTEvent? {
            if let event = local.popFirst() { return event }
            guard let batch = await buffer.takeAll() else { return nil }
            local = batch
            return local.popFirst()
        }
    }
}

/// The lock-protected queue between the client and the event stream's consumer.
final class MQTTEventBuffer: Sendable {
    private struct State {
        var pending = Deque<MQTTEvent>()
        var dropped = 0
        var finished = false
        var waiter: CheckedContinuation<Void, Never>?
    }

    private let state = NIOLockedValueBox(State())
    let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    /// Appends events; never blocks. Returns how many messages were dropped.
    @discardableResult
    func append(_ events: some Sequence<MQTTEvent>) -> Int {
        let (waiter, dropped): (CheckedContinuation<Void, Never>?, Int) = state.withLockedValue { state in
            guard !state.finished else { return (nil, 0) }
            var dropped = 0
            for event in events {
                if case let .message(message) = event, state.pending.count >= limit {
                    let hardLimit = 2 * limit
                    if message.qos == .atMostOnce || state.pending.count >= hardLimit {
                        dropped += 1
                        continue
                    }
                }
                state.pending.append(event)
            }
            state.dropped += dropped
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, dropped)
        }
        waiter?.resume()
        return dropped
    }

    /// Ends the stream once what is buffered has been read.
    func finish() {
        let waiter: CheckedContinuation<Void, Never>? = state.withLockedValue { state in
            state.finished = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume()
    }

    /// Waits for events and takes all of them, or returns nil when finished and drained.
    func takeAll() async -> Deque<MQTTEvent>? {
        while true {
            let taken: Deque<MQTTEvent>?? = state.withLockedValue { state in
                if !state.pending.isEmpty || state.dropped > 0 {
                    var batch = state.pending
                    state.pending = Deque()
                    if state.dropped > 0 {
                        batch.prepend(.messagesDropped(count: state.dropped))
                        state.dropped = 0
                    }
                    return .some(batch)
                }
                return state.finished ? .some(nil) : nil
            }
            if let taken { return taken }
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let resumeNow = state.withLockedValue { state in
                    if !state.pending.isEmpty || state.dropped > 0 || state.finished { return true }
                    state.waiter = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        }
    }
}
