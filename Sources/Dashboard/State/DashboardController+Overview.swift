import TopicModel

/// The overview in the detail pane: a branch (or the whole broker) at a glance, with a cursor
/// that `j`/`k` move while the pane has focus and Enter follows into the tree.
extension DashboardController {
    /// Lines above the overview's rows: the branch and its counts.
    static let overviewHeaderLines = 2

    /// Rows of the overview the pane has room for.
    var overviewHeight: Int { max(1, layout.detail.height - Self.overviewHeaderLines) }

    /// The branch the overview shows: the selected one; with nothing selected and a filter on
    /// the tree, the branch its literal start names (`home` for `home/+/heater`, `zigbee2mqtt`
    /// for `zigbee2mqtt/#`), so the overview looks where the tree does; else the whole broker.
    func overviewBranch(model: TopicModel) -> NodeID {
        if let selected = state.selected { return selected }
        guard let filter = state.filter else { return .root }
        let literal = filter.split(separator: "/", omittingEmptySubsequences: false).prefix { $0 != "+" && $0 != "#" }
        return literal.isEmpty ? .root : model.find(literal.joined(separator: "/")) ?? .root
    }

    /// The overview of `branch` for this frame: O(rows on screen).
    func overview(of branch: NodeID, model: TopicModel) -> DashboardFrame.Overview {
        let node = model.node(branch)
        let total = Int(node.staleCount + node.offlineCount + node.seriesCount)
        state.overviewCursor = max(0, min(state.overviewCursor, total - 1))
        state.overviewScroll = max(0, min(state.overviewScroll, state.overviewCursor, max(0, total - overviewHeight)))
        if state.overviewCursor >= state.overviewScroll + overviewHeight { state.overviewScroll = state.overviewCursor - overviewHeight + 1 }
        let window = model.overview(of: branch, offset: state.overviewScroll, limit: overviewHeight)
        let width = OverviewView.sparklineWidth(contentWidth: DetailPane.contentWidth(layout))
        let lines = window.rows.map { row -> DashboardFrame.Overview.Line in
            guard case let .series(series) = row, let points = series.series else { return .init(row: row, sparkline: nil) }
            return .init(row: row, sparkline: Sparkline.render(points, width: width, kind: series.kind, scratch: &sparkScratch))
        }
        return DashboardFrame.Overview(
            path: branch == .root ? "" : model.path(of: branch), topicCount: Int(node.topicCount),
            temperatureCount: Int(node.temperatureCount), seriesCount: Int(node.seriesCount), problemCount: window.problemCount,
            offlineSources: branch == .root ? [] : model.offlineSources(of: branch).map { model.path(of: $0) }, lines: lines, totalRows: window.totalRows, scroll: state.overviewScroll, cursor: state.overviewCursor,
            sparklineWidth: width, treeFilter: state.selected == nil ? state.filter : nil)
    }

    /// Keys for the overview while the detail pane has focus; false when the key is not one.
    func overviewKey(_ key: Key, model: TopicModel) -> Bool {
        if key == .enter {
            followOverview(model: model)
            return true
        }
        guard let move = ListMove(key, page: overviewHeight) else { return false }
        state.overviewCursor = move.applied(to: state.overviewCursor)
        return true
    }

    /// Enter on an overview row: its topic (or device) is selected in the tree.
    private func followOverview(model: TopicModel) {
        guard let row = model.overview(of: overviewBranch(model: model), offset: state.overviewCursor, limit: 1).rows.first else { return }
        let node: NodeID
        switch row {
        case let .stale(topic), let .offline(topic): node = topic.node
        case let .series(series): node = series.topic.node
        }
        state.filter = nil
        reveal(node, model: model)
        state.focus = .tree
    }

    /// Back to the whole broker's overview.
    func showRoot() {
        state.rootShown = true
        state.selected = nil
        state.overviewCursor = 0
        state.overviewScroll = 0
    }

    /// Whether the detail pane shows an overview: nothing, or a branch, is selected.
    func showsOverview(model: TopicModel) -> Bool {
        state.selected.map { model.topic(at: $0) == nil } ?? true
    }
}
