/// Topics, or topic filters, stored level by level (`home/hall/temperature` is three nodes), so
/// that finding what matches costs the matches, not the number of entries.
///
/// Retained messages are a trie of topics walked with a filter; subscriptions are a trie of
/// filters walked with a topic. Node names are the levels as written, `+` and `#` included.
/// Confined to the broker's event loop, like the rest of its state.
final class TopicTrie<Value> {
    final class Node {
        var children: [String: Node] = [:]
        var value: Value?
        /// Entries at or below this node, to prune empty branches.
        fileprivate var count = 0
    }

    let root = Node()
    /// Nodes holding a value.
    var count: Int { root.count }

    deinit {
        // Taken apart a node at a time: releasing a chain of thousands of levels in one go would
        // recurse that deep.
        var nodes = [root]
        while let node = nodes.popLast() {
            nodes.append(contentsOf: node.children.values)
            node.children = [:]
        }
    }

    static func levels(_ name: String) -> [String] {
        name.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
    }

    /// The value at exactly `name` (a topic, or a filter as written).
    subscript(name: String) -> Value? {
        var node = root
        for level in Self.levels(name) {
            guard let child = node.children[level] else { return nil }
            node = child
        }
        return node.value
    }

    /// Changes the value at `name`: `change` gets the current one (nil if none) and sets the new
    /// one (nil removes it, and the branch when it is left empty).
    func update<Result>(_ name: String, _ change: (inout Value?) -> Result) -> Result {
        let levels = Self.levels(name)
        var path = [root]
        for level in levels {
            let node = path[path.count - 1]
            if let child = node.children[level] {
                path.append(child)
            } else {
                let child = Node()
                node.children[level] = child
                path.append(child)
            }
        }
        let leaf = path[path.count - 1]
        let had = leaf.value != nil
        let result = change(&leaf.value)
        let delta = (leaf.value != nil ? 1 : 0) - (had ? 1 : 0)
        for node in path { node.count += delta }
        // Drop the nodes left with nothing at or below them (those just made for nothing too).
        for index in stride(from: levels.count, through: 1, by: -1) where path[index].count == 0 {
            path[index - 1].children[levels[index - 1]] = nil
        }
        return result
    }

    // MARK: A trie of topics, walked with a filter

    // The walks keep their own stack rather than recursing: a topic may have up to 65,536
    // levels where the broker is configured to allow them, deeper than a thread's stack.

    /// Visits the node of every topic matching `filter` (a valid filter) that holds a value.
    /// A wildcard in the first level does not match topics that start with `$` [MQTT-4.7.2-1].
    func forEachMatch(of filter: String, _ body: (Node) -> Void) {
        let levels = Self.levels(filter)
        var stack: [(node: Node, index: Int)] = [(root, 0)]
        while let (node, index) = stack.popLast() {
            if index == levels.count {
                if node.value != nil { body(node) }
                continue
            }
            switch levels[index] {
            case "#":
                // `a/#` matches `a` itself as well as everything below it.
                if index > 0, node.value != nil { body(node) }
                var below = node.children.compactMap { name, child in index == 0 && name.hasPrefix("$") ? nil : child }
                while let child = below.popLast() {
                    if child.value != nil { body(child) }
                    below.append(contentsOf: child.children.values)
                }
            case "+":
                for (name, child) in node.children where !(index == 0 && name.hasPrefix("$")) { stack.append((child, index + 1)) }
            case let level:
                if let child = node.children[level] { stack.append((child, index + 1)) }
            }
        }
    }

    /// Visits every value, `$` topics included.
    func forEachValue(_ body: (Value) -> Void) {
        var nodes = [root]
        while let node = nodes.popLast() {
            if let value = node.value { body(value) }
            nodes.append(contentsOf: node.children.values)
        }
    }

    // MARK: A trie of filters, walked with a topic

    /// Visits the value of every filter that matches `topic`.
    func forEachFilter(matching topic: String, _ body: (Value) -> Void) {
        let levels = Self.levels(topic)
        let dollar = topic.hasPrefix("$")
        var stack: [(node: Node, index: Int)] = [(root, 0)]
        while let (node, index) = stack.popLast() {
            let wildcardsAllowed = !(index == 0 && dollar)
            // `#` matches the rest, including no more levels (`a/#` matches `a`).
            if wildcardsAllowed, let rest = node.children["#"]?.value { body(rest) }
            guard index < levels.count else {
                if let value = node.value { body(value) }
                continue
            }
            if let child = node.children[levels[index]] { stack.append((child, index + 1)) }
            if wildcardsAllowed, let any = node.children["+"] { stack.append((any, index + 1)) }
        }
    }
}
