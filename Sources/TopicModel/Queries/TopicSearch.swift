/// The topics whose full name contains a text (case-insensitive), and the branches where such a
/// match starts, in tree order, with a cursor.
///
/// ```swift
/// var search = model.search("kitchen")
/// search.count         // how many topics match
/// search.next()        // the first match, then the one after...
/// ```
public struct TopicSearch: Sendable {
    public let text: String
    public let matches: [NodeID]
    /// Index of the current match in `matches`, nil before the first `next()`.
    public private(set) var current: Int?

    public var count: Int { matches.count }

    /// `matches` in tree order; `first` is where `next()` starts (the best match).
    init(text: String, matches: [NodeID], first: Int = 0) {
        self.text = text
        self.matches = matches
        current = first > 0 && first < matches.count ? first - 1 : nil
    }

    /// Moves to the next match, wrapping around.
    public mutating func next() -> NodeID? {
        guard !matches.isEmpty else { return nil }
        current = current.map { ($0 + 1) % matches.count } ?? 0
        return matches[current ?? 0]
    }

    /// Moves to the previous match, wrapping around.
    public mutating func previous() -> NodeID? {
        guard !matches.isEmpty else { return nil }
        current = current.map { ($0 - 1 + matches.count) % matches.count } ?? matches.count - 1
        return matches[current ?? 0]
    }
}

extension TopicModel {
    /// Searches every topic's full name, and branch names (so `/zigbee2mqtt` finds the branch
    /// before the topics below it): O(topics), run when the user searches, not per frame.
    public func search(_ text: String) -> TopicSearch {
        text.isEmpty ? TopicSearch(text: text, matches: []) : search(.substring(text), text: text)
    }

    /// The topics a filter matches, in tree order: O(topics), run when a filter is applied. A
    /// text search starts at the first match where a level starts with the text (`/home` finds
    /// `home` before `esphome`), and goes on in tree order from there.
    public func search(_ filter: TopicFilter, text: String) -> TopicSearch {
        var matches: [NodeID] = []
        var first: Int?
        let lowered = text.lowercased()
        let isWildcard = if case .wildcard = filter { true } else { false }
        func startsALevel(_ names: [String]) -> Bool { names.contains { $0.lowercased().hasPrefix(lowered) } }
        // The names from the root to the node being visited: a topic's full name is built only
        // when it is matched, not one string per level.
        var names: [String] = []
        var stack: [(node: Int32, depth: Int)] = [(0, 0)]
        while let (index, depth) = stack.popLast() {
            let node = nodes[Int(index)]
            if index != 0 {
                names.removeSubrange((depth - 1)...)
                names.append(node.name)
            }
            if node.isTopic {
                // A wildcard filter applies within each broker: to the topic's own name.
                let name = isWildcard && hasBrokerLevel ? names.dropFirst().joined(separator: "/") : names.joined(separator: "/")
                if filter.matches(name) {
                    if first == nil, case .substring = filter, startsALevel(names) { first = matches.count }
                    matches.append(NodeID(index))
                }
            } else if index != 0, case let .substring(text) = filter, Self.startsHere(text, filter, names) {
                // A branch where the text first appears (it ends in this level's name); its
                // descendants match by their topics. Only the path's tail is built, so a deep
                // branch costs what its name and the text do, not its whole path.
                if first == nil, node.name.lowercased().hasPrefix(lowered) { first = matches.count }
                matches.append(NodeID(index))
            }
            stack += orderedChildren(index).reversed().map { ($0, depth + 1) }
        }
        return TopicSearch(text: text, matches: matches, first: first ?? 0)
    }

    /// The end of a path: the last level, and as many levels before it as `count` more
    /// characters need (an occurrence of a text of that length ending in the last level).
    static func tail(of names: ArraySlice<String>, reaching count: Int) -> String {
        guard let last = names.last else { return "" }
        var levels = [last]
        var length = 0
        var index = names.endIndex - 1
        while length < count, index > names.startIndex {
            index -= 1
            levels.append(names[index])
            length += names[index].count + 1
        }
        return levels.reversed().joined(separator: "/")
    }

    /// Whether the text occurs in the path ending at the last level's name, and not before it.
    private static func startsHere(_ text: String, _ filter: TopicFilter, _ names: [String]) -> Bool {
        guard filter.matches(tail(of: names[...], reaching: text.count)) else { return false }
        return names.count < 2 || !filter.matches(tail(of: names.dropLast(), reaching: text.count))
    }

    /// The ancestors of a node, root excluded, top first: what to expand to reveal it.
    public func ancestors(of id: NodeID) -> [NodeID] {
        var chain: [NodeID] = []
        var current = node(id).parent
        while current != .root {
            chain.append(current)
            current = node(current).parent
        }
        return chain.reversed()
    }
}
