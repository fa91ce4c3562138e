import DequeModule
import NIOConcurrencyHelpers

/// The client's events as an AsyncSequence, buffered without bound on time but not on size.
///
/// The producer (the client, on its event loop) never waits. When the buffer holds `limit`
/// events it is told to pause reading (`.pauseReading`), or further QoS 0 messages are dropped
/// and counted, delivered as `.messagesDropped` ahead of the next events (`.dropQoS0`). QoS 1 and 2
/// messages were acknowledged, so they are never dropped: past twice the limit the producer is
/// told to pause in either policy.
///
/// One consumer at a time: a second iterator waiting while the first waits ends at once (nil)
/// instead of taking over. A waiting iterator whose task is cancelled ends too.
///
/// ```swift
/// for await event in client.events {
///     if case let .message(message) = event { print(message.topic) }
/// }
/// ```
///
/// A consumer that works a burst at a time (one lock for the model, one write for the disk, one
/// flush for the terminal) reads ``batches`` instead.
public struct MQTTEventStream: AsyncSequence, Sendable {
    /// One event at a time, in the order the client reported them.
    public typealias Element = MQTTEvent
    let buffer: MQTTEventBuffer

    /// An iterator over single events; it takes the buffer a batch at a time underneath.
    public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

    /// The same events as the batches the buffer hands over: everything that arrived since the
    /// consumer last asked, in order, never empty. The burst's end is where a consumer flushes.
    ///
    /// ```swift
    /// for await batch in client.events.batches {
    ///     for event in batch { … }
    ///     output.flush()
    /// }
    /// ```
    public var batches: Batches { Batches(buffer: buffer) }

    /// Reads single events out of the batches the buffer hands over.
    public struct Iterator: AsyncIteratorProtocol {
        let buffer: MQTTEventBuffer
        /// Events already taken from the shared buffer, served without locking.
        var local = Deque<MQTTEvent>()

        /// The next event; nil once the client has finished and everything was read.
        public mutating func next() async -> MQTTEvent? {
            if let event = local.popFirst() { return event }
            guard var batch = await buffer.takeAll() else { return nil }
            // Swapped in, not copied: a second reference would make the first pop copy the batch.
            swap(&local, &batch)
            return local.popFirst()
        }
    }
}

/// The client's events a burst at a time: see ``MQTTEventStream/batches``.
public struct MQTTEventBatches: AsyncSequence, Sendable {
    /// Everything the buffer held when the consumer asked.
    public typealias Element = MQTTEventBatch
    let buffer: MQTTEventBuffer

    /// An iterator that waits for the next burst.
    public func makeAsyncIterator() -> Iterator { Iterator(buffer: buffer) }

    /// Takes one batch per call.
    public struct Iterator: AsyncIteratorProtocol {
        let buffer: MQTTEventBuffer

        /// The next batch (never empty); nil once the client has finished and everything was
        /// read, or when the task is cancelled.
        public mutating func next() async -> MQTTEventBatch? {
            await buffer.takeAll().map(MQTTEventBatch.init)
        }
    }
}

extension MQTTEventStream {
    /// The sequence ``batches`` returns.
    public typealias Batches = MQTTEventBatches
}

/// Events that arrived together, in order: a view of the buffer's queue, handed over without a copy.
public struct MQTTEventBatch: RandomAccessCollection, Sendable {
    private(set) var events: Deque<MQTTEvent>

    init(events: Deque<MQTTEvent>) { self.events = events }

    /// Takes the first event out of the batch, moving it rather than copying it (a message's
    /// topic, payload and properties are then never retained and released once more).
    public mutating func popFirst() -> MQTTEvent? { events.popFirst() }

    /// The first event's position: 0.
    public var startIndex: Int { events.startIndex }
    /// One past the last event's position: the number of events.
    public var endIndex: Int { events.endIndex }
    /// The event at `position`.
    public subscript(position: Int) -> MQTTEvent { events[position] }
}

/// The lock-protected queue between the client and the event stream's consumer.
final class MQTTEventBuffer: Sendable {
    private struct State {
        var pending = Deque<MQTTEvent>()
        /// Payload bytes of the messages in `pending`.
        var bytes = 0
        var dropped = 0
        var finished = false
        /// The consumer waiting for events (true when resumed to say it was refused).
        var waiter: CheckedContinuation<Bool, Never>?
        /// Set when the producer was told to pause; the next drain tells it to resume.
        var producerPaused = false
        var onDrain: (@Sendable () -> Void)?
    }

    private let state = NIOLockedValueBox(State())
    let limit: Int
    /// `.pauseReading`: never drop; report "full" so the producer stops reading instead.
    let pauseWhenFull: Bool
    /// Payload bytes, as `limit` counts messages.
    let byteLimit: Int
    /// Where the producer is told to pause: at the limits, or (dropping QoS 0) at twice them.
    private var pauseFactor: Int { pauseWhenFull ? 1 : 2 }

    init(limit: Int, byteLimit: Int = 64 * 1024 * 1024, pauseWhenFull: Bool = false) {
        self.limit = max(1, limit)
        self.byteLimit = max(1, byteLimit)
        self.pauseWhenFull = pauseWhenFull
    }

    private func isOver(_ state: State, factor: Int) -> Bool {
        state.pending.count >= factor * limit || state.bytes >= factor * byteLimit
    }

    /// Called (on the consumer's thread) when a paused producer may resume.
    func setDrainHandler(_ handler: @escaping @Sendable () -> Void) {
        state.withLockedValue { $0.onDrain = handler }
    }

    /// Appends events; never blocks. Returns how many messages were dropped, and (pause mode)
    /// whether the buffer is full and the producer should stop reading until `onDrain`.
    @discardableResult
    func append(_ events: some Sequence<MQTTEvent>) -> (dropped: Int, full: Bool) {
        let (waiter, dropped, full): (CheckedContinuation<Bool, Never>?, Int, Bool) = state.withLockedValue { state in
            guard !state.finished else { return (nil, 0, false) }
            var dropped = 0
            for event in events {
                if case let .message(message) = event {
                    if !pauseWhenFull, message.qos == .atMostOnce, isOver(state, factor: 1) {
                        dropped += 1
                        continue
                    }
                    state.bytes += message.payload.count
                }
                state.pending.append(event)
            }
            state.dropped += dropped
            let full = isOver(state, factor: pauseFactor)
            if full { state.producerPaused = true }
            let waiter = state.waiter
            state.waiter = nil
            return (waiter, dropped, full)
        }
        waiter?.resume(returning: false)
        return (dropped, full)
    }

    /// Whether a consumer is waiting for events.
    var hasWaiter: Bool { state.withLockedValue { $0.waiter != nil } }

    /// Ends the stream once what is buffered has been read.
    func finish() {
        let waiter: CheckedContinuation<Bool, Never>? = state.withLockedValue { state in
            state.finished = true
            let waiter = state.waiter
            state.waiter = nil
            return waiter
        }
        waiter?.resume(returning: false)
    }

    /// Waits for events and takes all of them, or returns nil when finished and drained, when the
    /// task is cancelled, or when another consumer is already waiting.
    func takeAll() async -> Deque<MQTTEvent>? {
        while true {
            guard !Task.isCancelled else { return nil }
            let (taken, resume): (Deque<MQTTEvent>??, (@Sendable () -> Void)?) = state.withLockedValue { state in
                if !state.pending.isEmpty || state.dropped > 0 {
                    var batch = Deque<MQTTEvent>()
                    swap(&batch, &state.pending)
                    state.bytes = 0
                    if state.dropped > 0 {
                        batch.prepend(.messagesDropped(count: state.dropped))
                        state.dropped = 0
                    }
                    let resume = state.producerPaused ? state.onDrain : nil
                    state.producerPaused = false
                    return (.some(batch), resume)
                }
                return (state.finished ? .some(nil) : nil, nil)
            }
            resume?()
            if let taken { return taken }
            let refused: Bool = await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                    // (resume now, refused as a second consumer)
                    let (resumeNow, refused) = state.withLockedValue { state -> (Bool, Bool) in
                        if !state.pending.isEmpty || state.dropped > 0 || state.finished { return (true, false) }
                        // Cancelled before the handler was in place: do not wait.
                        if Task.isCancelled { return (true, false) }
                        if state.waiter != nil { return (true, true) }
                        state.waiter = continuation
                        return (false, false)
                    }
                    if resumeNow { continuation.resume(returning: refused) }
                }
            } onCancel: {
                let waiter = state.withLockedValue { state in
                    defer { state.waiter = nil }
                    return state.waiter
                }
                waiter?.resume(returning: false)
            }
            if refused { return nil }
        }
    }
}
