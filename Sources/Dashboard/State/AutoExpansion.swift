import TopicModel

/// The first screen's expansion: open the tree as many levels deep as fit in the pane, so a small
/// home is fully visible without a keypress.
///
/// Whole levels open first; then, in tree order, single nodes of the next level while their
/// children still fit. Costs O(rows in the pane): a level's size is summed from child counts
/// before any child is listed.
enum AutoExpansion {
    static func expanded(in model: TopicModel, rows: Int) -> Set<NodeID> {
        var expanded: Set<NodeID> = []
        var level: [NodeID] = [.root]
        var shown = model.node(.root).childCount
        guard shown <= rows else { return [] }
        while true {
            // Nodes of the next level: the children of this level.
            var next: [NodeID] = []
            for id in level where id != .root { expanded.insert(id) }
            for id in level { next += model.children(of: id) }
            let nextSize = next.reduce(0) { $0 + model.node($1).childCount }
            if nextSize == 0 { return expanded }
            if shown + nextSize <= rows {
                shown += nextSize
                level = next
                continue
            }
            // Not the whole level: single nodes while their children fit.
            for id in next {
                let size = model.node(id).childCount
                if size > 0, shown + size <= rows {
                    expanded.insert(id)
                    shown += size
                }
            }
            return expanded
        }
    }
}
