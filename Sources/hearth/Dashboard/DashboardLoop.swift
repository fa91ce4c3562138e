import Dashboard
import Foundation
import MQTT
import Synchronization
import Terminal

/// The UI thread: waits for keys or news, redraws at most 30 times a second and only when
/// something changed, and hands publish requests to the client without waiting for them.
final class DashboardLoop {
    static let frameInterval = 1.0 / 30

    private let session: TerminalSession
    private let controller: DashboardController
    private let model: SharedModel
    private let inbox: DashboardInbox
    private let actions: ActionRunner
    private let stop: SignalFlag
    private let resized: SignalFlag
    /// Quit once this many messages were received (benchmarks, scripts).
    var messageLimit: Int?

    init(session: TerminalSession, connection: ConnectionStatus, model: SharedModel, inbox: DashboardInbox,
         actions: ActionRunner, stop: SignalFlag, resized: SignalFlag) {
        self.session = session
        self.model = model
        self.inbox = inbox
        self.actions = actions
        self.stop = stop
        self.resized = resized
        controller = DashboardController(connection: connection, width: session.width, height: session.height)
    }

    func run() {
        var dirty = true
        var lastFrame = -Double.infinity
        while !stop.isSet {
            let now = Self.now()
            if dirty, now - lastFrame >= Self.frameInterval {
                draw(now: now)
                dirty = false
                lastFrame = now
            }
            // Sleep until a key or news; while a frame is owed, only until it is due; while the
            // rate is still falling, once a second. Otherwise indefinitely: no output, no CPU.
            let timeout: Double? = dirty ? max(0, lastFrame + Self.frameInterval - now) : controller.wantsTick ? 1 : nil
            if session.wait(timeout: timeout, wakeup: inbox.wakeup) { dirty = true }
            for event in inbox.takeAll() { controller.apply(event) }
            if let messageLimit, model.withModel({ $0.messageCount }) + controller.droppedMessages >= messageLimit {
                draw(now: Self.now())
                break
            }
            if resized.take() {
                session.adoptWindowSize()
                controller.resize(width: session.width, height: session.height)
            }
            for key in session.pendingKeys() {
                if key == .resize { controller.resize(width: session.width, height: session.height) }
                let requested = model.withModel { controller.handle(key, model: $0) }
                for action in requested { perform(action) }
                dirty = true
            }
            if timeout == 1, !dirty, Self.now() - lastFrame >= 1 { dirty = true }
        }
    }

    /// Messages dropped under overload during the session.
    var droppedMessages: Int { controller.droppedMessages }

    private func draw(now: Double) {
        let frame = model.withModel { controller.makeFrame(model: $0, now: now) }
        session.render { canvas in DashboardView.draw(frame, on: &canvas) }
    }

    private func perform(_ action: DashboardAction) {
        switch action {
        case .quit: stop.set()
        case let .copy(text): session.copyToClipboard(text)
        case let .publish(request): actions.publish(request)
        case let .clearRetained(topics): actions.clear(topics)
        }
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }
}

/// A flag raised from any thread (a signal handler, a key) and read by the UI loop.
final class SignalFlag: Sendable {
    private let value = Atomic<Bool>(false)
    var isSet: Bool { value.load(ordering: .acquiring) }
    func set() { value.store(true, ordering: .releasing) }
    /// Reads and lowers the flag.
    func take() -> Bool { value.exchange(false, ordering: .acquiringAndReleasing) }
}

/// Runs what the dashboard asks of the client, off the UI thread, and reports back through the inbox.
struct ActionRunner: Sendable {
    let client: MQTTClient
    let inbox: DashboardInbox

    func publish(_ request: PublishRequest) {
        Task {
            do {
                try await client.publish(to: request.topic, payload: request.payload, qos: request.qos, retain: request.retain)
                inbox.post(.published(topic: request.topic, error: nil))
            } catch {
                inbox.post(.published(topic: request.topic, error: "\(error)"))
            }
        }
    }

    /// Clears retained values one by one at QoS 1, so each is confirmed before progress moves on.
    func clear(_ topics: [String]) {
        Task {
            for (index, topic) in topics.enumerated() {
                do {
                    try await client.publish(to: topic, payload: [], qos: .atLeastOnce, retain: true)
                } catch {
                    inbox.post(.cleared(done: index, total: topics.count, error: "\(topic): \(error)"))
                    return
                }
                if index % 50 == 49 || index == topics.count - 1 {
                    inbox.post(.cleared(done: index + 1, total: topics.count, error: nil))
                }
            }
        }
    }
}
