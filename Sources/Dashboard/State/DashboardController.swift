import Foundation
import MQTT
import TopicModel
import Watch
import TextFormat

/// The dashboard's behaviour: keys and news change the view's state and ask for actions; a
/// `FrameBuilder` turns the state and the model into frames.
///
/// Lives on the UI thread. Every method that takes the model expects the caller to hold it
/// (the program keeps the model behind a lock shared with the ingest task); `handle(_:)` takes
/// the keys that need no model, so they never wait for the lock.
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
    /// Each broker's connection, with several brokers on screen (the tree's first level), in
    /// the model's broker order; empty with one, which `connection` describes.
    public internal(set) var links: [ConnectionStatus] = []
    public internal(set) var layout: Layout
    /// Builds this dashboard's frames, with the caches they reuse.
    public let frames = FrameBuilder()
    /// The filter's match counts, extended frame by frame as topics arrive.
    var filterMatches: FilterMatches?
    /// The traffic order as last sorted: kept for a second, so rows hold still while read.
    var ordering: ChildOrdering?
    /// Hearth's own memory, which the program reads (resident bytes); shown in the header.
    public var residentBytes: Int?
    /// What a copy's footer adds when the clipboard may not reach the terminal (tmux without
    /// `set-clipboard on`). The program says how to find out; it is asked at the first copy,
    /// not at start (asking tmux is a process, and the first screen would wait for it).
    public var findClipboardNote: (() -> String?)?
    private var clipboardNote: String?

    /// The clipboard note, found out at the first copy.
    private func clipboardSuffix() -> String {
        if let find = findClipboardNote {
            clipboardNote = find()
            findClipboardNote = nil
        }
        return clipboardNote.map { "; " + $0 } ?? ""
    }
    /// The rules the program evaluates, by name (the rules view's rows).
    public var ruleNames: [String] = []

    public init(connection: ConnectionStatus, links: [ConnectionStatus] = [], width: Int, height: Int) {
        self.connection = connection
        self.links = links.count > 1 ? links : []
        layout = Layout(width: width, height: height)
    }

    public func resize(width: Int, height: Int) {
        layout = Layout(width: width, height: height)
    }

    /// Whether a history store is open: the history table then pages back into it.
    public var readsHistoryStore: Bool {
        get { frames.readsHistoryStore }
        set { frames.readsHistoryStore = newValue }
    }

    /// True while something on screen moves with the clock: the header's rate falling to zero,
    /// a countdown, an age. The program redraws once a second until then, and writes nothing once
    /// all is still.
    public var wantsTick: Bool {
        frames.isMoving || connection.isTicking || links.contains(where: \.isTicking) || state.showsAges || state.order != .name
    }

    var treeHeight: Int { max(1, layout.tree.height) }

    // MARK: - Frames

    /// The part of the next frame read from the model (held by the caller): the selection and
    /// scroll settle against the model, then the builder takes what is on screen.
    public func takeFrame(model: TopicModel, rules: RuleEngine? = nil, actions: [String: WatchState.ActionResult] = [:],
                          now: Double) -> DashboardFrame {
        refreshOrdering(now: now, since: model.watchingSince)
        let rows = settleRows(model: model)
        // The overview under a filter lists and counts the same matches as the tree and the footer.
        var frame = frames.snapshot(model: model, rows: rows, state: &state, layout: layout, connection: connection, links: links, now: now,
                                    filterMatches: state.filter == nil ? nil : filterMatches, rules: rules, actions: actions)
        frame.order = state.order
        frame.residentBytes = residentBytes
        return frame
    }

    /// Sorts again at most once a second in a traffic order (the rows hold still between).
    func refreshOrdering(now: Double, since: Double?) {
        guard state.order != .name else {
            ordering = nil
            return
        }
        if let ordering, ordering.order == state.order, now - ordering.now < 1 { return }
        ordering = ChildOrdering(order: state.order, now: now, since: since)
    }

    /// Formats a frame `takeFrame` took, without the model.
    public func finishFrame(_ frame: inout DashboardFrame) {
        frames.finish(&frame, state: &state)
    }

    /// The whole next frame: `takeFrame`, then `finishFrame`.
    public func makeFrame(model: TopicModel, rules: RuleEngine? = nil, actions: [String: WatchState.ActionResult] = [:],
                          now: Double) -> DashboardFrame {
        var frame = takeFrame(model: model, rules: rules, actions: actions, now: now)
        finishFrame(&frame)
        return frame
    }

    // MARK: - Events from outside

    public func apply(_ event: DashboardEvent) {
        switch event {
        case let .connection(status):
            connection = status
        case let .link(broker, status):
            if links.indices.contains(broker) { links[broker] = status }
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
        case let .note(text, isError):
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

    /// Handles a key that needs no model (typing in a dialog, toggles, quitting); nil when the
    /// key needs the model, for `handle(_:model:)` with the model held.
    public func handle(_ key: Key) -> [DashboardAction]? {
        if key == .control("c") { return [.quit] }
        switch state.mode {
        case .browse:
            // With the detail pane focused, keys may move the overview, which reads the model.
            guard state.focus == .tree, Self.browseKeysWithoutModel.contains(key) else { return nil }
            return browse(key, model: nil)
        case let .prompt(kind, field):
            // Enter runs the search or applies the filter.
            guard key != .enter else { return nil }
            return prompt(kind, field, key, model: nil)
        case .publish, .confirm, .retainedList, .help, .rules:
            return handleDialog(key)
        case .seriesPicker:
            return nil
        }
    }

    /// Browse keys that change only the view's state.
    static let browseKeysWithoutModel: Set<Key> = [
        .character("q"), .tab, .backTab, .character("/"), .character("f"), .character("F"), .character("t"), .character("o"),
        .character("?"), .character("v"), .character("["), .character("]"), .escape, .character("a"),
    ]

    public func handle(_ key: Key, model: TopicModel) -> [DashboardAction] {
        if key == .control("c") { return [.quit] }
        switch state.mode {
        case .browse: return browse(key, model: model)
        case let .prompt(kind, field): return prompt(kind, field, key, model: model)
        case .publish, .confirm, .retainedList, .help, .rules: return handleDialog(key) ?? []
        case let .seriesPicker(paths, index):
            pickSeries(paths, index, key, model: model)
        }
        return []
    }

    /// The dialogs' keys: none reads the model.
    private func handleDialog(_ key: Key) -> [DashboardAction]? {
        switch state.mode {
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
        case .help:
            state.mode = .browse
        case let .rules(cursor):
            return rulesKey(key, cursor: cursor)
        case .browse, .prompt, .seriesPicker:
            return nil
        }
        return []
    }

    /// A key while browsing; `model` is nil only for `browseKeysWithoutModel` with the tree focused.
    func browse(_ key: Key, model: TopicModel?) -> [DashboardAction] {
        state.status = nil
        // The search ends (and its note leaves the footer) with any key but n and N.
        if key != .character("n"), key != .character("N") { state.search = nil }
        if state.focus == .detail, let model {
            if showsOverview(model: model) ? overviewKey(key, model: model) : scrollDetail(key) { return [] }
        }
        switch key {
        case .character("q"): return [.quit]
        case .tab, .backTab: state.focus = state.focus == .tree ? .detail : .tree
        case .character("/"): state.mode = .prompt(.search, TextField())
        case .character("f"): state.mode = .prompt(.filter, TextField(state.filter ?? ""))
        case .character("F"):
            state.filter = nil
            state.status = ("filter cleared", false)
        case .character("t"): state.showsAges.toggle()
        case .character("o"):
            state.order = state.order.next
            state.status = ("ordered by \(state.order.label)" + (state.order == .name ? "" : ", largest first (re-sorted each second)"), false)
        case .character("?"): state.mode = .help
        case .character("a"): openRules()
        case .escape: showRoot()
        case .character("v"):
            state.showsChanges.toggle()
            state.status = (state.showsChanges ? "showing what changed since the previous message (v hides it)" : "changes hidden", false)
        case .character("["): state.graphWindow = state.graphWindow.shorter
        case .character("]"): state.graphWindow = state.graphWindow.longer
        default:
            if let model { return browseInModel(key, model: model) }
        }
        return []
    }

    /// The brokers a publish can go to, in the screen's order (none with one broker).
    private func publishBrokers(_ model: TopicModel) -> [PublishForm.Broker] {
        guard model.hasBrokerLevel else { return [] }
        return model.children(of: .root).compactMap { node in
            model.broker(of: node).map { PublishForm.Broker(index: $0, name: model.node(node).name, isConnected: !(links.indices.contains($0) && links[$0].isDown)) }
        }
    }

    /// Browse keys that read the model.
    private func browseInModel(_ key: Key, model: TopicModel) -> [DashboardAction] {
        switch key {
        case .up, .character("k"): move(by: -1, model: model)
        case .down, .character("j"): move(by: 1, model: model)
        case .pageUp: move(by: -treeHeight, model: model)
        case .pageDown: move(by: treeHeight, model: model)
        case .home, .character("g"): move(by: -Int(Int32.max), model: model)
        case .end, .character("G"): move(by: Int(Int32.max), model: model)
        case .right, .character("l"): expandOrEnter(model: model)
        case .left, .character("h"): collapseOrLeave(model: model)
        case .enter, .character(" "): toggle(model: model)
        case .character("n"): jumpToMatch(forward: true, model: model)
        case .character("N"): jumpToMatch(forward: false, model: model)
        case .character("p"):
            // With several brokers, the selected topic's broker (or the first); Ctrl-B changes it.
            let broker = state.selected.flatMap(model.broker(of:)) ?? 0
            state.mode = .publish(PublishForm(topic: selectedTopic(model) ?? "", brokers: publishBrokers(model), broker: broker))
        case .character("d"): askToClear(model: model)
        case .character("D"): askToClearBelow(model: model)
        case .character("s"): openSeriesPicker(model: model)
        case .character("!"): jumpToProblem(model: model)
        case .character("y"):
            // A broker's own row has no topic (its name is not one).
            guard let selected = state.selected, !model.topicName(of: selected).isEmpty else {
                state.status = ("select a topic to copy", false)
                return []
            }
            state.status = ("copied the topic (OSC 52)" + clipboardSuffix(), false)
            return [.copy(model.topicName(of: selected))]
        case .character("Y"):
            guard let selected = state.selected, let record = model.topic(at: selected) else {
                state.status = ("select a topic to copy its payload", false)
                return []
            }
            state.status = ("copied the payload, \(ValueFormat.bytes(record.last.payloadCount)) (OSC 52)" + clipboardSuffix(), false)
            return [.copy(String(decoding: record.last.payload, as: UTF8.self))]
        case let .click(row, column): click(row: row, column: column, model: model)
        case let .wheelUp(row, column): wheel(-3, row: row, column: column, model: model)
        case let .wheelDown(row, column): wheel(3, row: row, column: column, model: model)
        default: break
        }
        return []
    }
}
