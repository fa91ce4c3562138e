import TopicModel

/// Taking a frame from the model: expansion, selection and scroll settled, then the rows on screen.
extension DashboardController {
    // MARK: - Frames

    /// Takes what the next frame draws from the model: O(rows on screen) for the tree and the
    /// overview; the selected topic's pane is built whole (its history table holds at most the
    /// model's 100 messages and 1,000 recorded ones).
    public func makeFrame(model: TopicModel, now: Double) -> DashboardFrame {
        rate.record(count: model.messageCount, at: now)
        var frame = DashboardFrame(layout: layout, connection: connection)
        frame.topicCount = model.topicCount
        frame.retainedCount = model.retainedCount
        frame.staleCount = model.staleCount
        frame.offlineCount = model.offlineDeviceCount
        frame.showsAges = state.showsAges
        frame.messageRate = rate.perSecond
        frame.now = now
        frame.mode = state.mode
        frame.focus = state.focus
        frame.filter = state.filter
        frame.status = state.status
        if let search = state.search { frame.search = (search.text, (search.current ?? 0) + 1, search.count) }
        showedAge = false
        guard !layout.isTooSmall else { return frame }

        let window = reconcile(model: model)
        frame.totalRows = window.totalRows
        frame.scroll = state.scroll
        let sparkWidth = TreePane.sparklineWidth(for: layout.tree.width)
        // Each row carries what it draws: no row goes back to the model.
        frame.rows = window.rows.map { row in
            var sparkline: String?
            if sparkWidth > 0, let topic = row.topic, let series = topic.series {
                sparkline = Sparkline.render(series, width: sparkWidth, kind: topic.kind, scratch: &sparkScratch)
            }
            return DashboardFrame.Row(tree: row, sparkline: sparkline, isSelected: row.node == state.selected)
        }
        if let selected = state.selected, model.topic(at: selected) != nil {
            frame.detail = detail(selected, model: model, now: now)
        } else {
            frame.overview = overview(of: overviewBranch(model: model), model: model)
        }
        showedAge = frame.detail?.record != nil || !(frame.overview?.lines.isEmpty ?? true)
        if let detail = frame.detail {
            frame.detailLines = DetailPane.lines(detail, width: DetailPane.contentWidth(layout), graphHeight: DetailPane.graphHeight(layout.detail), now: now)
            // Scrolled to the end (G) stays at the end as lines are added; otherwise the scroll
            // is kept within the lines.
            detailBottom = max(0, frame.detailLines.count - layout.detail.height)
            if state.detailScroll != ListMove.last.applied(to: 0) { state.detailScroll = min(state.detailScroll, detailBottom) }
            if let page = nextOlderPage(detail, lineCount: frame.detailLines.count) {
                frame.wantedOlderMessages = page
                frame.detailLines.append(DetailPane.olderNote(OlderMessages.readingNote))
            }
        }
        frame.detailScroll = min(state.detailScroll, detailBottom)
        frame.wantedHistory = wantedHistory(frame, model: model)
        return frame
    }

    /// The selected topic's recorded messages older than the model's, and what the table says
    /// after them; what the model dropped since the last frame joins them.
    private func olderMessages(of path: String, history: MessageHistory) -> (messages: [StoredMessage], note: String?) {
        guard readsHistoryStore else { return ([], nil) }
        if state.olderMessages?.topic != path {
            olderGenerations += 1
            state.olderMessages = OlderMessages(topic: path, generation: olderGenerations)
        }
        state.olderMessages?.follow(history)
        guard let older = state.olderMessages else { return ([], nil) }
        return (older.messages, older.note)
    }

    /// The next page of recorded messages to read: when the history table's end is on screen
    /// and the store may have more.
    private func nextOlderPage(_ detail: DashboardFrame.Detail, lineCount: Int) -> OlderMessages.Request? {
        guard let record = detail.record, var older = state.olderMessages, older.topic == detail.path, older.wantsMore,
              min(state.detailScroll, detailBottom) + layout.detail.height >= lineCount else { return nil }
        older.isReading = true
        state.olderMessages = older
        if let cursor = older.cursor { return .init(topic: detail.path, before: cursor.time, id: cursor.id, generation: older.generation) }
        return .init(topic: detail.path, before: record.history.messages.first?.time ?? record.last.time, id: .max, generation: older.generation)
    }

    /// The topics this frame draws whose recorded past is not read yet: the rows, the selection
    /// and the overview's series.
    private func wantedHistory(_ frame: DashboardFrame, model: TopicModel) -> [String] {
        var nodes = frame.rows.map(\.tree.node)
        if let selected = state.selected { nodes.append(selected) }
        for line in frame.overview?.lines ?? [] {
            if case let .series(series) = line.row { nodes.append(series.topic.node) }
        }
        var seen = Set<NodeID>()
        return nodes.filter { model.historyWanted($0) && seen.insert($0).inserted }.map { model.path(of: $0) }
    }

    /// Settles expansion, selection and scroll against the model as it is now, and returns the
    /// pane's rows: the selected topic keeps its line as topics arrive.
    func reconcile(model: TopicModel) -> VisibleRows {
        if state.autoExpand { state.expanded = AutoExpansion.expanded(in: model, rows: treeHeight, from: state.expanded) }
        if state.filter == nil, let selected = state.selected {
            if let index = model.rowIndex(of: selected, expanded: state.expanded) {
                state.cursor = index
            } else if let visible = model.ancestors(of: selected).last(where: { model.rowIndex(of: $0, expanded: state.expanded) != nil }) {
                // Hidden under a collapsed node: the selection moves up to the visible ancestor.
                state.selected = visible
                state.cursor = model.rowIndex(of: visible, expanded: state.expanded) ?? 0
            }
        }
        // The window where the selection keeps its line; its row count then settles the ends (the
        // last rows, or a selection past them), which rarely asks for a second query.
        let guess = max(0, state.cursor - max(0, min(state.screenRow, treeHeight - 1)))
        var window = rows(model, offset: guess, limit: treeHeight)
        let total = window.totalRows
        state.cursor = max(0, min(state.cursor, total - 1))
        state.screenRow = max(0, min(state.screenRow, treeHeight - 1, state.cursor))
        state.scroll = max(0, min(state.cursor - state.screenRow, total - treeHeight))
        state.screenRow = state.cursor - state.scroll
        if state.scroll != guess { window = rows(model, offset: state.scroll, limit: treeHeight) }
        let index = state.cursor - state.scroll
        if state.rootShown {
            state.selected = nil
        } else if index >= 0, index < window.rows.count {
            state.selected = window.rows[index].node
        } else {
            state.selected = nil
        }
        return window
    }

    func rows(_ model: TopicModel, offset: Int, limit: Int) -> VisibleRows {
        model.visibleRows(TreeQuery(expanded: state.expanded, filter: state.filter.map(TopicFilter.wildcard),
                                    offset: offset, limit: limit, chosenSeries: state.chosenSeries),
                          matches: &filterMatches)
    }

    func detail(_ id: NodeID, model: TopicModel, now: Double) -> DashboardFrame.Detail {
        let node = model.node(id)
        let record = model.topic(at: id)
        let graphPath = model.primary(of: id, chosen: state.chosenSeries[id])?.path
        let older = record.map { olderMessages(of: model.path(of: id), history: $0.history) } ?? (messages: [], note: nil)
        return DashboardFrame.Detail(
            path: model.path(of: id), record: record, label: model.label(for: id), childCount: node.childCount,
            topicCount: Int(node.topicCount), retainedCount: Int(node.retainedCount),
            staleCount: Int(node.staleCount), offlineCount: Int(node.offlineCount),
            silence: record.map { model.silence(of: $0, now: now) },
            offlineSources: model.offlineSources(of: id).map { model.path(of: $0) },
            isInsideOfflineDevice: model.isInsideOfflineDevice(id), announcesOffline: model.announcesOffline(id),
            seriesPaths: record?.series?.paths ?? [], graphPath: graphPath,
            graph: graphPath.flatMap { record?.series?.series(at: $0) },
            graphKind: graphPath.map { model.kind(of: id, path: $0) } ?? .other,
            graphUnit: graphPath.flatMap { model.unit(of: id, path: $0) }, graphWindow: state.graphWindow,
            changes: state.showsChanges ? record.flatMap { changes($0, of: id) } : nil,
            previousTime: record?.history.messages.last?.time,
            payloadLines: record.map { payloadLines($0, of: id) } ?? [],
            olderMessages: older.messages, olderNote: older.note)
    }

    /// The selected payload, formatted once per message rather than once per frame (a 64 KiB
    /// JSON payload is thousands of tokens).
    private func payloadLines(_ record: TopicRecord, of id: NodeID) -> [StyledLine] {
        let key = PayloadKey(node: id, messageCount: record.messageCount, width: DetailPane.contentWidth(layout))
        if let payloadCache, payloadCache.key == key { return payloadCache.lines }
        // Wrapped once here, with the width in the key: a long line is never cut.
        let lines = PayloadFormatter.lines(record.last.payload, truncated: record.last.isTruncated, width: key.width)
            .flatMap { $0.wrapped(width: key.width) }
        payloadCache = (key, lines)
        return lines
    }

    /// What changed since the previous message, worked out once per message and width.
    private func changes(_ record: TopicRecord, of id: NodeID) -> [StyledLine]? {
        guard let previous = record.history.messages.last else { return nil }
        let key = PayloadKey(node: id, messageCount: record.messageCount, width: DetailPane.contentWidth(layout))
        if let changesCache, changesCache.key == key { return changesCache.lines }
        let lines = PayloadDiff.lines(previous: previous, last: record.last, width: key.width)
        changesCache = (key, lines)
        return lines
    }

    func selectedTopic(_ model: TopicModel) -> String? {
        state.selected.map { model.path(of: $0) }
    }
}
