import TopicModel

/// The tree's expansion until the user takes over: open as many levels as fit in the pane, so a
/// small home is fully visible without a keypress.
///
/// Whole levels open first; then, in tree order, single nodes of the next level while their
/// children still fit. Nodes opened before stay open while the pane has room for them, so
/// nothing collapses while the home is small. When topics arrive that no longer fit, deeper
/// nodes close so that every open first-level branch still shows its devices (rather than the
/// first branch's depths pushing the last off screen); when even that cannot fit, nothing
/// closes. Costs O(rows in the pane) beyond the open nodes: a level's size is summed from child
/// counts before any child is listed.
enum AutoExpansion {
    static func expanded(in model: TopicModel, rows: Int, from open: Set<NodeID> = []) -> Set<NodeID> {
        let shownOpen = open.isEmpty ? 0 : model.visibleRows(TreeQuery(expanded: open, limit: 0)).totalRows
        if !open.isEmpty, shownOpen <= rows {
            // A full pane opens nothing more: no need to list what is open.
            return shownOpen == rows ? open : breadthFirst(in: model, rows: rows, from: open, shown: shownOpen)
        }
        let shown = model.visibleRows(TreeQuery(expanded: [], limit: 0)).totalRows
        guard shown <= rows else { return open.isEmpty ? [] : open }
        let fresh = breadthFirst(in: model, rows: rows, from: [], shown: shown)
        let firstLevel = open.filter { model.node($0).depth == 1 }
        return firstLevel.isSubset(of: fresh) ? fresh : open
    }

    private static func breadthFirst(in model: TopicModel, rows: Int, from open: Set<NodeID>, shown: Int) -> Set<NodeID> {
        var expanded = open
        var shown = shown
        // Nodes whose children are on screen, one level at a time.
        var level: [NodeID] = [.root]
        while !level.isEmpty {
            let next = level.flatMap { model.children(of: $0) }.filter { model.node($0).hasChildren }
            let closed = next.filter { !expanded.contains($0) }
            let cost = closed.reduce(0) { $0 + model.childCount(of: $1) }
            if shown + cost <= rows {
                shown += cost
                expanded.formUnion(closed)
                level = next
                continue
            }
            // Not the whole level: single nodes while their children fit.
            for id in closed {
                let size = model.childCount(of: id)
                if shown + size <= rows {
                    expanded.insert(id)
                    shown += size
                }
            }
            return expanded
        }
        return expanded
    }
}
