import TopicModel

/// The tree's rows on screen, settled against the selection as topics arrive.
extension DashboardController {
    /// Settles expansion, selection and scroll against the model as it is now, and returns the
    /// pane's rows: the selected topic keeps its line as topics arrive.
    func settleRows(model: TopicModel) -> VisibleRows {
        if state.autoExpand { state.expanded = AutoExpansion.expanded(in: model, rows: treeHeight, from: state.expanded) }
        if state.filter == nil, let selected = state.selected {
            if let index = model.rowIndex(of: selected, expanded: state.expanded, ordering: ordering) {
                state.cursor = index
            } else if let visible = model.ancestors(of: selected).last(where: { model.rowIndex(of: $0, expanded: state.expanded, ordering: ordering) != nil }) {
                // Hidden under a collapsed node: the selection moves up to the visible ancestor.
                state.selected = visible
                state.cursor = model.rowIndex(of: visible, expanded: state.expanded, ordering: ordering) ?? 0
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
                                    offset: offset, limit: limit, chosenSeries: state.chosenSeries, ordering: ordering),
                          matches: &filterMatches)
    }

    func selectedTopic(_ model: TopicModel) -> String? {
        state.selected.map { model.topicName(of: $0) }
    }
}
