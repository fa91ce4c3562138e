import Foundation
import MQTT
import NIOConcurrencyHelpers

/// Consumes a client's events in the background so tests can wait for them.
///
/// Waits give up after a generous deadline, so a broken client fails the test instead of hanging it.
public final class EventRecorder: Sendable {
    private let events = NIOLockedValueBox<[MQTTEvent]>([])
    private let task: Task<Void, Never>

    public init(_ client: MQTTClient) {
        let events = self.events
        task = Task {
            for await event in client.events { events.withLockedValue { $0.append(event) } }
        }
    }

    deinit { task.cancel() }

    public var all: [MQTTEvent] { events.withLockedValue { $0 } }

    public var messages: [MQTTMessage] {
        all.compactMap { if case let .message(message) = $0 { return message } else { return nil } }
    }

    public var states: [MQTTConnectionState] {
        all.compactMap { if case let .connectionState(state) = $0 { return state } else { return nil } }
    }

    /// Waits until `condition` holds for the recorded events; returns whether it did before `seconds`.
    @discardableResult
    public func wait(seconds: Double = 20, until condition: ([MQTTEvent]) -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition(all) { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return condition(all)
    }

    /// Waits for at least `count` messages and returns them (fewer if the deadline passed).
    public func messages(count: Int, seconds: Double = 20) async -> [MQTTMessage] {
        await wait(seconds: seconds) { events in
            events.reduce(0) { if case .message = $1 { $0 + 1 } else { $0 } } >= count
        }
        return messages
    }

    /// Waits until the stream has ended.
    public func waitForEnd(seconds: Double = 20) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline, !task.isCancelled {
            if case .closed = states.last { return true }
            try? await Task.sleep(for: .milliseconds(10))
        }
        return false
    }
}
