import TopicModel

/// Moving the selection, opening and closing nodes, scrolling the detail pane, the mouse.
extension DashboardController {
    // MARK: Moving

    /// Moves the selection by `delta` rows, scrolling when it leaves the pane.
    func move(by delta: Int, model: TopicModel) {
        let total = rows(model, offset: 0, limit: 0).totalRows
        guard total > 0 else { return }
        // From the whole broker's overview, the first move lands on the row under the cursor.
        let target = state.rootShown ? state.cursor : max(0, min(total - 1, state.cursor + delta))
        select(row: target, model: model)
    }

    func select(row target: Int, model: TopicModel) {
        guard let row = rows(model, offset: target, limit: 1).rows.first else { return }
        if row.node != state.selected { state.overviewCursor = 0 }
        state.rootShown = false
        state.selected = row.node
        state.cursor = target
        state.screenRow = max(0, min(treeHeight - 1, target - state.scroll))
        state.detailScroll = 0
    }

    func wheel(_ delta: Int, row: Int, column: Int, model: TopicModel) {
        if layout.detail.contains(row: row, column: column) {
            state.detailScroll = max(0, min(state.detailScroll, state.detailBottom) + delta)
        } else {
            move(by: delta, model: model)
        }
    }

    func click(row: Int, column: Int, model: TopicModel) {
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

    func takeOverExpansion() {
        state.autoExpand = false
    }

    /// Leaves the whole broker's overview for the row under the cursor, so a key that acts on
    /// the selection (open, close) acts on it.
    func enterTree(model: TopicModel) {
        guard state.rootShown else { return }
        select(row: state.cursor, model: model)
    }

    func expandOrEnter(model: TopicModel) {
        enterTree(model: model)
        guard let selected = state.selected, model.node(selected).hasChildren else { return }
        takeOverExpansion()
        if state.expanded.contains(selected) {
            move(by: 1, model: model)
        } else {
            state.expanded.insert(selected)
        }
    }

    func collapseOrLeave(model: TopicModel) {
        guard let selected = state.selected else { return }
        takeOverExpansion()
        if state.expanded.contains(selected) {
            state.expanded.remove(selected)
        } else {
            let parent = model.node(selected).parent
            guard parent != .root else { return showRoot() }
            state.expanded.remove(parent)
            state.selected = parent
        }
    }

    func toggle(model: TopicModel) {
        enterTree(model: model)
        guard let selected = state.selected, model.node(selected).hasChildren else { return }
        takeOverExpansion()
        if state.expanded.contains(selected) { state.expanded.remove(selected) } else { state.expanded.insert(selected) }
    }

    /// Opens the ancestors of a node and selects it.
    func reveal(_ id: NodeID, model: TopicModel) {
        takeOverExpansion()
        for ancestor in model.ancestors(of: id) { state.expanded.insert(ancestor) }
        state.rootShown = false
        state.overviewCursor = 0
        state.selected = id
        state.screenRow = min(state.screenRow, treeHeight / 2)
        state.detailScroll = 0
    }

    // MARK: Detail pane

    func scrollDetail(_ key: Key) -> Bool {
        guard let move = ListMove(key, page: max(1, layout.detail.height - 1)) else { return false }
        // From where the pane shows (the end, after G), not from past it.
        state.detailScroll = move.applied(to: min(state.detailScroll, state.detailBottom))
        return true
    }
}

extension DashboardController {
    // MARK: Problems

    /// `!`: the next stale topic or offline device, in tree order.
    func jumpToProblem(model: TopicModel) {
        guard let next = model.nextProblem(after: state.selected) else {
            state.status = ("nothing stale or offline", false)
            return
        }
        state.filter = nil
        reveal(next, model: model)
    }
}
