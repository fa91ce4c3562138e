import TopicModel

/// The tree's expansion until the user takes over: open as many levels as fit in the pane, so a
/// small home is fully visible without a keypress.
///
/// It only ever opens: nodes already open stay open as topics arrive, so nothing the user has
/// seen collapses by itself. Whole levels open first; then, in tree order, single nodes of the
/// next level while their children still fit. Costs O(rows in the pane) beyond the open nodes: a
/// level's size is summed from child counts before any child is listed.
enum AutoExpansion {
    static func expanded(in model: TopicModel, rows: Int, from open: Set<NodeID> = []) -> Set<NodeID> {
        var expanded = open
        var shown = model.visibleRows(TreeQuery(expanded: open, limit: 0)).totalRows
        guard shown <= rows || !open.isEmpty else { return [] }
        // A full pane opens nothing more: no need to list what is open.
        guard shown < rows else { return expanded }
        // Nodes whose children are on screen, one level at a time.
        var level: [NodeID] = [.root]
        while !level.isEmpty {
            let next = level.flatMap { model.children(of: $0) }.filter { model.node($0).childCount > 0 }
            let closed = next.filter { !expanded.contains($0) }
            let cost = closed.reduce(0) { $0 + model.node($1).childCount }
            if shown + cost <= rows {
                shown += cost
                expanded.formUnion(closed)
                level = next
                continue
            }
            // Not the whole level: single nodes while their children fit.
            for id in closed {
                let size = model.node(id).childCount
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
