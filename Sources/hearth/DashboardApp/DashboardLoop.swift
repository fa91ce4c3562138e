import Dashboard
import HearthKit
import Foundation
import Terminal
import TopicModel
import Watch

/// The UI thread: waits for keys or news, redraws at most 30 times a second and only when
/// something changed, and hands publish requests to the client without waiting for them.
/// A trickle of messages (a steady home) redraws at most 5 times a second: nobody reads values
/// faster, and each frame costs bytes of its own (cursor moves, attribute resets) over SSH.
///
/// Time moves the screen too: while an age or a countdown is visible it redraws once a second
/// (ncurses then writes only the cells that changed), and it wakes when the model has timed work
/// (a topic due to turn stale, a reconnect burst to settle). Otherwise it sleeps: no output, no CPU.
final class DashboardLoop {
    static let frameInterval = 1.0 / 30
    /// The interval of frames owed only to a trickle of messages.
    static let trickleInterval = 1.0 / 5
    /// Messages since the last frame that make a burst (drawn at the full rate, so a broker's
    /// retained values show as fast as they arrive), and so does the frame after one.
    static let burstMessages = 200

    private let session: TerminalSession
    private let controller: DashboardController
    private let model: SharedModel
    private let inbox: DashboardInbox
    private let actions: ActionRunner
    private let history: HistoryLoader?
    private let rules: DashboardRules?
    private let stop: SignalFlag
    private let resized: SignalFlag
    /// Quit once this many messages were received (benchmarks, scripts).
    var messageLimit: Int?
    /// When the header's memory figure was last read: once a second is enough, not every frame.
    private var memoryReadAt = -Double.infinity

    init(session: TerminalSession, connection: ConnectionStatus, links: [ConnectionStatus] = [], model: SharedModel, inbox: DashboardInbox,
         actions: ActionRunner, history: HistoryLoader?, rules: DashboardRunner.Rules?, stop: SignalFlag, resized: SignalFlag) {
        self.rules = rules.map { DashboardRules(stateFile: $0.stateFile) }
        self.session = session
        self.model = model
        self.inbox = inbox
        self.actions = actions
        self.history = history
        self.stop = stop
        self.resized = resized
        controller = DashboardController(connection: connection, links: links, width: session.width, height: session.height)
        controller.readsHistoryStore = history != nil
        controller.findClipboardNote = { TmuxClipboard.note() }
        controller.ruleNames = rules?.engine.rules.map(\.name) ?? []
    }

    func run() {
        var dirty = true
        var lastFrame = -Double.infinity
        var deadline: Double?
        // Whether the owed frame answers a key (or the first screen, a resize, a connection
        // change), and whether the last frame drew a burst of messages: both draw at once.
        var urgent = true
        var lastFrameWasBurst = false
        var ingestedAtFrame = 0
        while !stop.isSet {
            let now = Self.now()
            let ingested = model.ingestedCount
            let isBurst = ingested - ingestedAtFrame >= Self.burstMessages
            let interval = urgent || lastFrameWasBurst || isBurst ? Self.frameInterval : Self.trickleInterval
            if let due = deadline, now >= due {
                let (changed, next) = model.withRules { Self.refresh(&$0, &$1, now: now) }
                if changed { dirty = true }
                deadline = next
            }
            // What `hearth watch` says of the rules (silences, last actions), every few seconds.
            if let rules, rules.look(model, now: now) { dirty = true }
            if dirty, now - lastFrame >= interval {
                deadline = draw(now: now)
                dirty = false
                urgent = false
                lastFrameWasBurst = isBurst
                ingestedAtFrame = ingested
                lastFrame = now
            }
            // Sleep until a key or news; while a frame is owed, only until it is due; while
            // something on screen moves with the clock, once a second; until the model's next
            // deadline. Otherwise indefinitely.
            let ticking = !dirty && controller.wantsTick
            var timeout: Double? = dirty ? max(0, lastFrame + interval - now) : ticking ? 1 : nil
            if let deadline { timeout = min(timeout ?? .infinity, max(0, deadline - now)) }
            if rules != nil { timeout = min(timeout ?? .infinity, DashboardRules.lookInterval) }
            if session.wait(timeout: timeout, wakeup: inbox.wakeup) { dirty = true }
            for event in inbox.takeAll() {
                controller.apply(event)
                urgent = true
            }
            if inbox.takePastRead() { urgent = true }
            if let messageLimit, model.ingestedCount >= messageLimit {
                _ = draw(now: Self.now())
                break
            }
            if resized.take() {
                session.adoptWindowSize()
                controller.resize(width: session.width, height: session.height)
                dirty = true
                urgent = true
            }
            for key in session.pendingKeys() {
                if key == .resize { controller.resize(width: session.width, height: session.height) }
                // Keys that need no model never wait for ingest to let go of it.
                let requested = controller.handle(key) ?? model.withModel { controller.handle(key, model: $0) }
                for action in requested { perform(action) }
                dirty = true
                urgent = true
            }
            if ticking, !dirty, Self.now() - lastFrame >= 1 { dirty = true }
        }
    }

    /// Draws a frame; returns when the model next has timed work.
    ///
    /// Topics on screen whose recorded past is unread are read after the frame, in the
    /// background; the loader wakes the loop, and the next frame shows them.
    private func draw(now: Double) -> Double? {
        if now - memoryReadAt >= 1 {
            controller.residentBytes = ResidentMemory.bytes()
            memoryReadAt = now
        }
        var (frame, deadline) = takeFrame(now: now)
        // Formatting (the payload, the detail pane) runs with the model unlocked.
        controller.finishFrame(&frame)
        session.render { canvas in DashboardView.draw(frame, on: &canvas) }
        if let history {
            if let request = frame.wantedOlderMessages { requestOlder(request, from: history) }
            if !frame.wantedHistory.isEmpty { history.request(frame.wantedHistory) }
        }
        return deadline
    }

    /// Reads a page for the history table; the reply reaches the controller through the inbox.
    private func requestOlder(_ request: OlderMessages.Request, from history: HistoryLoader) {
        let inbox = inbox
        history.requestOlder(topic: request.topic, before: request.before, id: request.id, pageSize: OlderMessages.pageSize) { result in
            switch result {
            case let .success(page):
                inbox.post(.olderMessages(request, messages: page.messages, cursor: page.cursor, reachedStart: page.reachedStart))
            case let .failure(error):
                inbox.post(.olderMessagesFailed(request, reason: "\(error)"))
            }
        }
    }

    private func takeFrame(now: Double) -> (DashboardFrame, Double?) {
        let actions = rules?.actions ?? [:]
        return model.withRules { model, rules in
            let (_, next) = Self.refresh(&model, &rules, now: now)
            return (controller.takeFrame(model: model, rules: rules, actions: actions, now: now), next)
        }
    }

    /// Brings the model (and its rules) up to `now`; returns whether the screen changed, and
    /// when there is timed work next.
    private static func refresh(_ model: inout TopicModel, _ rules: inout RuleEngine?, now: Double) -> (Bool, Double?) {
        guard let (changed, events) = rules?.tick(&model, now: now) else { return (model.refresh(now: now), model.nextDeadline) }
        return (changed || !events.isEmpty, [model.nextDeadline, rules?.nextDeadline].compactMap { $0 }.min())
    }

    private func perform(_ action: DashboardAction) {
        switch action {
        case .quit: stop.set()
        case let .copy(text): session.copyToClipboard(text)
        case let .publish(request): actions.publish(request)
        case let .clearRetained(topics, broker): actions.clear(topics, broker: broker)
        case let .silence(rule, request):
            guard let rules else { return }
            let (text, isError) = rules.silence(rule, request, model: model, now: Self.now())
            controller.apply(.note(text, isError: isError))
        }
    }

    private static func now() -> Double { Date().timeIntervalSince1970 }
}
