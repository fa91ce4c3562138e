import Foundation
import MQTT
import TopicModel

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
    public private(set) var state = DashboardState()
    public private(set) var connection: ConnectionStatus
    public private(set) var layout: Layout
    private var rate = RateMeter()
    private var sparkScratch: [SparkBucket] = []
    /// Messages the client dropped because ingest fell behind, since the start.
    public private(set) var droppedMessages = 0

    public init(connection: ConnectionStatus, width: Int, height: Int) {
        self.connection = connection
        layout = Layout(width: width, height: height)
    }

    public func resize(width: Int, height: Int) {
        layout = Layout(width: width, height: height)
    }

    /// True while the header's rate is still falling to zero: the program redraws once a second
    /// until then, and writes nothing once all is still.
    public var wantsTick: Bool { rate.isMoving }

    private var treeHeight: Int { max(1, layout.tree.height) }

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
        case let .dropped(count):
            droppedMessages += count
            state.status = ("\(droppedMessages) message\(droppedMessages == 1 ? "" : "s") dropped: the dashboard fell behind the broker", true)
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

    private func browse(_ key: Key, model: TopicModel) -> [DashboardAction] {
        state.status = nil
        if state.focus == .detail, scrollDetail(key) { return [] }
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
        case .character("y"):
            if let selected = state.selected { return [.copy(model.path(of: selected))] }
        case .character("Y"):
            if let selected = state.selected, let record = model.topic(at: selected) {
                return [.copy(String(decoding: record.last.payload, as: UTF8.self))]
            }
        case .character("?"): state.mode = .help
        case let .click(row, column): click(row: row, column: column, model: model)
        case let .wheelUp(row, column): wheel(-3, row: row, column: column, model: model)
        case let .wheelDown(row, column): wheel(3, row: row, column: column, model: model)
        default: break
        }
        return []
    }

    // MARK: Moving

    /// Moves the selection by `delta` rows, scrolling when it leaves the pane.
    private func move(by delta: Int, model: TopicModel) {
        let total = rows(model, offset: 0, limit: 0).totalRows
        guard total > 0 else { return }
        let target = max(0, min(total - 1, state.cursor + delta))
        select(row: target, model: model)
    }

    private func select(row target: Int, model: TopicModel) {
        guard let row = rows(model, offset: target, limit: 1).rows.first else { return }
        state.selected = row.node
        state.cursor = target
        state.screenRow = max(0, min(treeHeight - 1, target - state.scroll))
        state.detailScroll = 0
    }

    private func wheel(_ delta: Int, row: Int, column: Int, model: TopicModel) {
        if layout.detail.contains(row: row, column: column) {
            state.detailScroll = max(0, state.detailScroll + delta)
        } else {
            move(by: delta, model: model)
        }
    }

    private func click(row: Int, column: Int, model: TopicModel) {
        if layout.detail.contains(row: row, column: column) { state.focus = .detail; return }
        guard layout.tree.contains(row: row, column: column) else { return }
        state.focus = .tree
        let target = state.scroll + row - layout.tree.row
        guard let clicked = rows(model, offset: target, limit: 1).rows.first else { return }
        let wasSelected = clicked.node == state.selected
        select(row: target, model: model)
        // A second click on a branch opens or closes it.
        if wasSelected, clicked.hasChildren { toggle(model: model) }
    }

    // MARK: Expanding

    private func takeOverExpansion() {
        state.autoExpand = false
    }

    private func expandOrEnter(model: TopicModel) {
        guard let selected = state.selected, model.node(selected).childCount > 0 else { return }
        takeOverExpansion()
        if state.expanded.contains(selected) {
            move(by: 1, model: model)
        } else {
            state.expanded.insert(selected)
        }
    }

    private func collapseOrLeave(model: TopicModel) {
        guard let selected = state.selected else { return }
        takeOverExpansion()
        if state.expanded.contains(selected) {
            state.expanded.remove(selected)
        } else {
            let parent = model.node(selected).parent
            guard parent != .root else { return }
            state.expanded.remove(parent)
            state.selected = parent
        }
    }

    private func toggle(model: TopicModel) {
        guard let selected = state.selected, model.node(selected).childCount > 0 else { return }
        takeOverExpansion()
        if state.expanded.contains(selected) { state.expanded.remove(selected) } else { state.expanded.insert(selected) }
    }

    /// Opens the ancestors of a node and selects it.
    private func reveal(_ id: NodeID, model: TopicModel) {
        takeOverExpansion()
        for ancestor in model.ancestors(of: id) { state.expanded.insert(ancestor) }
        state.selected = id
        state.screenRow = min(state.screenRow, treeHeight / 2)
        state.detailScroll = 0
    }

    // MARK: Detail pane

    private func scrollDetail(_ key: Key) -> Bool {
        let page = max(1, layout.detail.height - 1)
        switch key {
        case .up, .character("k"): state.detailScroll = max(0, state.detailScroll - 1)
        case .down, .character("j"): state.detailScroll += 1
        case .pageUp: state.detailScroll = max(0, state.detailScroll - page)
        case .pageDown: state.detailScroll += page
        case .home, .character("g"): state.detailScroll = 0
        case .end, .character("G"): state.detailScroll = Int(Int32.max)
        default: return false
        }
        return true
    }

    // MARK: Search and filter

    private func prompt(_ kind: DashboardState.PromptKind, _ field: TextField, _ key: Key, model: TopicModel) -> [DashboardAction] {
        var field = field
        switch key {
        case .escape:
            state.mode = .browse
        case .enter:
            state.mode = .browse
            kind == .search ? runSearch(field.text, model: model) : applyFilter(field.text, model: model)
        default:
            _ = field.edit(key)
            state.mode = .prompt(kind, field)
        }
        return []
    }

    private func runSearch(_ text: String, model: TopicModel) {
        guard !text.isEmpty else { state.search = nil; return }
        var search = model.search(text)
        guard let first = search.next() else {
            state.search = nil
            state.status = ("no topic matches “\(text)”", true)
            return
        }
        state.search = search
        reveal(first, model: model)
    }

    private func jumpToMatch(forward: Bool, model: TopicModel) {
        guard var search = state.search, let match = forward ? search.next() : search.previous() else {
            state.status = ("no search: press / to search", true)
            return
        }
        state.search = search
        reveal(match, model: model)
    }

    private func applyFilter(_ text: String, model: TopicModel) {
        guard !text.isEmpty else { state.filter = nil; return }
        if let problem = MQTTTopic.filterProblem(text) {
            state.status = ("filter: \(problem)", true)
            return
        }
        state.filter = text
        state.cursor = 0
        state.scroll = 0
        state.screenRow = 0
        state.selected = nil
        // Open the way to the first screenful of matches.
        let matches = model.search(.wildcard(text), text: text).matches
        takeOverExpansion()
        for match in matches.prefix(treeHeight) {
            for ancestor in model.ancestors(of: match) { state.expanded.insert(ancestor) }
        }
        state.status = ("\(matches.count) topic\(matches.count == 1 ? "" : "s") match \(text)", matches.isEmpty)
    }

    // MARK: Retained clearing

    private func askToClear(model: TopicModel) {
        guard let selected = state.selected, let record = model.topic(at: selected), record.retained.isHeld else {
            state.status = ("the selected topic holds no retained value", true)
            return
        }
        let path = model.path(of: selected)
        state.mode = .confirm(.init(question: "Clear the retained value of \(path)?", topics: [path], isBulk: false))
    }

    private func askToClearBelow(model: TopicModel) {
        let node = state.selected ?? .root
        let topics = model.retainedTopics(under: node).map { model.path(of: $0) }
        guard !topics.isEmpty else {
            state.status = ("no retained values under the selected node", true)
            return
        }
        let place = node == .root ? "everywhere" : "under \(model.path(of: node))"
        let question = "Clear \(topics.count) retained value\(topics.count == 1 ? "" : "s") \(place)?"
        state.mode = .confirm(.init(question: question, topics: topics, isBulk: true))
    }

    private func confirm(_ confirmation: DashboardState.Confirmation, _ key: Key, listScroll: Int?) -> [DashboardAction] {
        switch key {
        case .character("y"), .character("Y"):
            state.mode = .browse
            state.status = ("clearing \(confirmation.topics.count)…", false)
            return [.clearRetained(confirmation.topics)]
        case .character("l") where confirmation.isBulk && listScroll == nil:
            state.mode = .retainedList(confirmation, scroll: 0)
        case .down, .character("j"), .pageDown:
            if let listScroll {
                let step = key == .pageDown ? max(1, layout.height - 6) : 1
                state.mode = .retainedList(confirmation, scroll: min(max(0, confirmation.topics.count - 1), listScroll + step))
            }
        case .up, .character("k"), .pageUp:
            if let listScroll {
                let step = key == .pageUp ? max(1, layout.height - 6) : 1
                state.mode = .retainedList(confirmation, scroll: max(0, listScroll - step))
            }
        default:
            state.mode = .browse
            state.status = ("nothing cleared", false)
        }
        return []
    }

    // MARK: Series

    private func openSeriesPicker(model: TopicModel) {
        guard let selected = state.selected, let series = model.topic(at: selected)?.series, !series.paths.isEmpty else {
            state.status = ("the selected topic has no numeric series yet", true)
            return
        }
        let current = model.primaryPath(of: selected).flatMap { series.paths.firstIndex(of: $0) } ?? 0
        state.mode = .seriesPicker(paths: series.paths, index: current)
    }

    private func pickSeries(_ paths: [String], _ index: Int, _ key: Key, model: TopicModel) {
        switch key {
        case .up, .character("k"): state.mode = .seriesPicker(paths: paths, index: max(0, index - 1))
        case .down, .character("j"): state.mode = .seriesPicker(paths: paths, index: min(paths.count - 1, index + 1))
        case .enter:
            if let selected = state.selected { model.chooseSeries(paths[index], for: selected) }
            state.mode = .browse
        case .character("a"):
            // Back to the automatic choice.
            if let selected = state.selected { model.chooseSeries(nil, for: selected) }
            state.mode = .browse
        default:
            state.mode = .browse
        }
    }

    // MARK: - Frames

    /// Takes what the next frame draws from the model: O(rows on screen).
    public func makeFrame(model: TopicModel, now: Double) -> DashboardFrame {
        rate.record(count: model.messageCount, at: now)
        var frame = DashboardFrame(layout: layout, connection: connection)
        frame.topicCount = model.topicCount
        frame.retainedCount = model.retainedCount
        frame.messageRate = rate.perSecond
        frame.now = now
        frame.mode = state.mode
        frame.focus = state.focus
        frame.filter = state.filter
        frame.status = state.status
        if let search = state.search { frame.search = (search.text, (search.current ?? 0) + 1, search.count) }
        guard !layout.isTooSmall else { return frame }

        let window = reconcile(model: model)
        frame.totalRows = window.totalRows
        frame.scroll = state.scroll
        let sparkWidth = TreePane.sparklineWidth(for: layout.tree.width)
        frame.rows = window.rows.map { row in
            var sparkline: String?
            if sparkWidth > 0, let summary = row.topic, summary.hasSeries, let path = summary.primaryPath,
               let series = model.topic(at: row.node)?.series?.series(at: path), series.count > 1 {
                sparkline = Sparkline.render(series, width: sparkWidth, scratch: &sparkScratch)
            }
            let unit = row.topic?.primaryValue == nil ? nil : model.label(for: row.node)?.unit
            return DashboardFrame.Row(tree: row, sparkline: sparkline, unit: unit, isSelected: row.node == state.selected)
        }
        if let selected = state.selected { frame.detail = detail(selected, model: model) }
        frame.detailScroll = state.detailScroll
        return frame
    }

    /// Settles expansion, selection and scroll against the model as it is now, and returns the
    /// pane's rows: the selected topic keeps its line as topics arrive.
    private func reconcile(model: TopicModel) -> VisibleRows {
        if state.autoExpand { state.expanded = AutoExpansion.expanded(in: model, rows: treeHeight) }
        if state.filter == nil, let selected = state.selected {
            if let index = model.rowIndex(of: selected, expanded: state.expanded) {
                state.cursor = index
            } else if let visible = model.ancestors(of: selected).last(where: { model.rowIndex(of: $0, expanded: state.expanded) != nil }) {
                // Hidden under a collapsed node: the selection moves up to the visible ancestor.
                state.selected = visible
                state.cursor = model.rowIndex(of: visible, expanded: state.expanded) ?? 0
            }
        }
        let total = rows(model, offset: 0, limit: 0).totalRows
        state.cursor = max(0, min(state.cursor, total - 1))
        state.screenRow = max(0, min(state.screenRow, treeHeight - 1, state.cursor))
        state.scroll = max(0, min(state.cursor - state.screenRow, total - treeHeight))
        state.screenRow = state.cursor - state.scroll
        let window = rows(model, offset: state.scroll, limit: treeHeight)
        let index = state.cursor - state.scroll
        if index >= 0, index < window.rows.count {
            state.selected = window.rows[index].node
        } else {
            state.selected = nil
        }
        return window
    }

    private func rows(_ model: TopicModel, offset: Int, limit: Int) -> VisibleRows {
        model.visibleRows(TreeQuery(expanded: state.expanded, filter: state.filter.map(TopicFilter.wildcard),
                                    offset: offset, limit: limit))
    }

    private func detail(_ id: NodeID, model: TopicModel) -> DashboardFrame.Detail {
        let node = model.node(id)
        let record = model.topic(at: id)
        let graphPath = model.primaryPath(of: id)
        return DashboardFrame.Detail(
            path: model.path(of: id), record: record, label: model.label(for: id), childCount: node.childCount,
            topicCount: Int(node.topicCount), retainedCount: Int(node.retainedCount),
            seriesPaths: record?.series?.paths ?? [], graphPath: graphPath,
            graph: graphPath.flatMap { record?.series?.series(at: $0) })
    }

    private func selectedTopic(_ model: TopicModel) -> String? {
        state.selected.map { model.path(of: $0) }
    }
}
