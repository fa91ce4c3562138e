import TopicModel

/// Keys of the overview in the detail pane: `j`/`k` move its cursor while the pane has focus,
/// and Enter follows it into the tree.
extension DashboardController {
    /// Keys for the overview while the detail pane has focus; false when the key is not one.
    func overviewKey(_ key: Key, model: TopicModel) -> Bool {
        if key == .enter {
            followOverview(model: model)
            return true
        }
        guard let move = ListMove(key, page: layout.overviewRows) else { return false }
        state.overviewCursor = move.applied(to: state.overviewCursor)
        return true
    }

    /// Enter on an overview row: its topic (or device) is selected in the tree.
    private func followOverview(model: TopicModel) {
        let branch = state.overviewBranch(model: model)
        // The row on screen: under the tree's filter, among the matching topics' rows.
        let rows = state.filteredOverview(of: branch, model: model, matches: filterMatches).map { Array($0.rows.dropFirst(state.overviewCursor).prefix(1)) }
            ?? model.overview(of: branch, offset: state.overviewCursor, limit: 1).rows
        guard let row = rows.first else { return }
        let node: NodeID
        switch row {
        case let .stale(topic), let .offline(topic): node = topic.node
        case let .state(state): node = state.topic.node
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
