import Foundation
import MQTT
import TopicModel
import TextFormat

/// The dashboard's behaviour: keys change the state, the model is read for each frame.
///
/// Lives on the UI thread. Every method that takes the model expects the caller to hold it
/// (the program keeps the model behind a lock shared with the ingest task).
///
/// ```swift
/// let dashboard = DashboardController(connection: status, width: 120, height: 40)
/// let actions = dashboard.handle(.character("j"), model: model)
/// let frame = dashboard.makeFrame(model: model, now: Date().timeIntervalSince1970)
/// DashboardView.draw(frame, on: &canvas)
/// ```
public final class DashboardController {
    public internal(set) var state = DashboardState()
    public internal(set) var connection: ConnectionStatus
    public internal(set) var layout: Layout
    var rate = RateMeter()
    var sparkScratch: [SparkBucket] = []
    /// The selected topic's formatted payload, kept until a new message or width.
    var payloadCache: (key: PayloadKey, lines: [StyledLine])?
    /// What changed since the previous message (`v`), kept likewise.
    var changesCache: (key: PayloadKey, lines: [StyledLine])?
    /// The filter's match counts, extended frame by frame as topics arrive.
    var filterMatches: FilterMatches?
    /// Whether the last frame showed an age (the detail pane's), which moves every second.
    var showedAge = false
    /// The detail pane's last scroll position in the last frame (its lines less the pane's height).
    var detailBottom = 0
    /// Numbers each reading of a history table (`OlderMessages.generation`).
    var olderGenerations = 0
    /// Whether a history store is open: the history table then pages back into it.
    public var readsHistoryStore = false

    public init(connection: ConnectionStatus, width: Int, height: Int) {
        self.connection = connection
        layout = Layout(width: width, height: height)
    }

    public func resize(width: Int, height: Int) {
        layout = Layout(width: width, height: height)
    }

    /// True while something on screen moves with the clock: the header's rate falling to zero,
    /// a countdown, an age. The program redraws once a second until then, and writes nothing once
    /// all is still.
    public var wantsTick: Bool { rate.isMoving || connection.isTicking || state.showsAges || showedAge }

    var treeHeight: Int { max(1, layout.tree.height) }

    // MARK: - Events from outside

    public func apply(_ event: DashboardEvent) {
        switch event {
        case let .connection(status):
            connection = status
        case let .published(topic, error):
            if case var .publish(form) = state.mode {
                form.sending = false
                let outcome = form.qos == .atMostOnce ? "sent (QoS 0: no acknowledgement)" : "acknowledged"
                form.message = error.map { ($0, true) } ?? ("✓ \(topic): \(outcome)", false)
                state.mode = .publish(form)
            } else {
                state.status = error.map { ("publish failed: \($0)", true) } ?? ("published to \(topic)", false)
            }
        case let .historyFailed(reason):
            state.status = (reason, true)
        case let .historyNote(text, isError):
            state.status = (text, isError)
        case let .olderMessages(request, messages, cursor, reachedStart):
            guard var older = state.olderMessages, older.generation == request.generation else { return }
            older.messages += messages
            older.cursor = cursor ?? older.cursor
            older.isReading = false
            older.reachedStart = reachedStart
            state.olderMessages = older
        case let .olderMessagesFailed(request, reason):
            state.status = (reason, true)
            guard state.olderMessages?.generation == request.generation else { return }
            // No more pages for this table: it ends where the store could not be read.
            state.olderMessages?.isReading = false
            state.olderMessages?.reachedStart = true
        case let .cleared(done, total, error):
            if let error {
                state.status = ("clearing stopped at \(done)/\(total): \(error)", true)
            } else {
                state.status = (done == total ? "cleared \(total) retained value\(total == 1 ? "" : "s")" : "clearing \(done)/\(total)…", false)
            }
        }
    }

    // MARK: - Keys

    public func handle(_ key: Key, model: TopicModel) -> [DashboardAction] {
        if key == .control("c") { return [.quit] }
        switch state.mode {
        case .browse: return browse(key, model: model)
        case let .prompt(kind, field): return prompt(kind, field, key, model: model)
        case var .publish(form):
            if case let .click(row, _) = key {
                // A click on the retain line flips the toggle.
                if row == PublishDialogView.retainRow(form, layout: layout) { form.retain.toggle() }
                state.mode = .publish(form)
                return []
            }
            switch form.handle(key) {
            case .stay: state.mode = .publish(form)
            case .close: state.mode = .browse
            case let .send(request):
                form.sending = true
                form.message = ("sending…", false)
                state.mode = .publish(form)
                return [.publish(request)]
            }
        case let .confirm(confirmation):
            return confirm(confirmation, key, listScroll: nil)
        case let .retainedList(confirmation, scroll):
            return confirm(confirmation, key, listScroll: scroll)
        case let .seriesPicker(paths, index):
            pickSeries(paths, index, key, model: model)
        case .help:
            state.mode = .browse
        }
        return []
    }

    func browse(_ key: Key, model: TopicModel) -> [DashboardAction] {
        state.status = nil
        // The search ends (and its note leaves the footer) with any key but n and N.
        if key != .character("n"), key != .character("N") { state.search = nil }
        if state.focus == .detail {
            if showsOverview(model: model) ? overviewKey(key, model: model) : scrollDetail(key) { return [] }
        }
        switch key {
        case .character("q"): return [.quit]
        case .up, .character("k"): move(by: -1, model: model)
        case .down, .character("j"): move(by: 1, model: model)
        case .pageUp: move(by: -treeHeight, model: model)
        case .pageDown: move(by: treeHeight, model: model)
        case .home, .character("g"): move(by: -Int(Int32.max), model: model)
        case .end, .character("G"): move(by: Int(Int32.max), model: model)
        case .right, .character("l"): expandOrEnter(model: model)
        case .left, .character("h"): collapseOrLeave(model: model)
        case .enter, .character(" "): toggle(model: model)
        case .tab, .backTab: state.focus = state.focus == .tree ? .detail : .tree
        case .character("/"): state.mode = .prompt(.search, TextField())
        case .character("f"): state.mode = .prompt(.filter, TextField(state.filter ?? ""))
        case .character("F"):
            state.filter = nil
            state.status = ("filter cleared", false)
        case .character("n"): jumpToMatch(forward: true, model: model)
        case .character("N"): jumpToMatch(forward: false, model: model)
        case .character("p"): state.mode = .publish(PublishForm(topic: selectedTopic(model) ?? ""))
        case .character("d"): askToClear(model: model)
        case .character("D"): askToClearBelow(model: model)
        case .character("s"): openSeriesPicker(model: model)
        case .character("t"): state.showsAges.toggle()
        case .character("!"): jumpToProblem(model: model)
        case .character("y"):
            guard let selected = state.selected else {
                state.status = ("select a topic to copy", false)
                return []
            }
            state.status = ("copied the topic (OSC 52)", false)
            return [.copy(model.path(of: selected))]
        case .character("Y"):
            guard let selected = state.selected, let record = model.topic(at: selected) else {
                state.status = ("select a topic to copy its payload", false)
                return []
            }
            state.status = ("copied the payload, \(ValueFormat.bytes(record.last.payload.count)) (OSC 52)", false)
            return [.copy(String(decoding: record.last.payload, as: UTF8.self))]
        case .character("?"): state.mode = .help
        case .escape: showRoot()
        case .character("v"):
            state.showsChanges.toggle()
            state.status = (state.showsChanges ? "showing what changed since the previous message (v hides it)" : "changes hidden", false)
        case .character("["): state.graphWindow = state.graphWindow.shorter
        case .character("]"): state.graphWindow = state.graphWindow.longer
        case let .click(row, column): click(row: row, column: column, model: model)
        case let .wheelUp(row, column): wheel(-3, row: row, column: column, model: model)
        case let .wheelDown(row, column): wheel(3, row: row, column: column, model: model)
        default: break
        }
        return []
    }
}

/// What the formatted payload of the detail pane depends on.
struct PayloadKey: Equatable {
    let node: NodeID
    let messageCount: Int
    let width: Int
}
