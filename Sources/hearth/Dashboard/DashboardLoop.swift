import Dashboard
import Foundation
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
            let ticking = !dirty && controller.wantsTick
            let timeout: Double? = dirty ? max(0, lastFrame + Self.frameInterval - now) : ticking ? 1 : nil
            if session.wait(timeout: timeout, wakeup: inbox.wakeup) { dirty = true }
            for event in inbox.takeAll() { controller.apply(event) }
            if let messageLimit, model.withModel({ $0.messageCount }) >= messageLimit {
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
            if ticking, !dirty, Self.now() - lastFrame >= 1 { dirty = true }
        }
    }

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
