import MQTT
import TopicModel

/// Search (`/`, `n`, `N`), the wildcard filter (`f`, `F`) and the series picker (`s`).
extension DashboardController {
    // MARK: Search and filter

    /// A key in the search or filter prompt; only Enter reads the model (nil: the key is not Enter).
    func prompt(_ kind: DashboardState.PromptKind, _ field: TextField, _ key: Key, model: TopicModel?) -> [DashboardAction] {
        var field = field
        switch key {
        case .escape:
            state.mode = .browse
        case .enter:
            guard let model else { return [] }
            state.mode = .browse
            kind == .search ? runSearch(field.text, model: model) : applyFilter(field.text, model: model)
        default:
            _ = field.edit(key)
            state.mode = .prompt(kind, field)
        }
        return []
    }

    func runSearch(_ text: String, model: TopicModel) {
        guard !text.isEmpty else { state.search = nil; return }
        var search = model.search(text)
        guard let first = search.next() else {
            state.search = nil
            state.status = ("no topic matches “\(text)”", true)
            return
        }
        state.search = search
        reveal(first, model: model)
    }

    func jumpToMatch(forward: Bool, model: TopicModel) {
        guard var search = state.search, let match = forward ? search.next() : search.previous() else {
            state.status = ("no search: press / to search", true)
            return
        }
        state.search = search
        reveal(match, model: model)
    }

    func applyFilter(_ text: String, model: TopicModel) {
        guard !text.isEmpty else { state.filter = nil; return }
        if let problem = MQTTTopic.filterProblem(text) {
            state.status = ("filter: \(problem)", true)
            return
        }
        state.filter = text
        state.cursor = 0
        state.scroll = 0
        state.screenRow = 0
        state.selected = nil
        // Open the way to the first screenful of matches.
        let matches = model.search(.wildcard(text), text: text).matches
        takeOverExpansion()
        for match in matches.prefix(treeHeight) {
            for ancestor in model.ancestors(of: match) { state.expanded.insert(ancestor) }
        }
        state.status = ("\(matches.count) topic\(matches.count == 1 ? " matches" : "s match") \(text)", matches.isEmpty)
    }

    // MARK: Series

    func openSeriesPicker(model: TopicModel) {
        guard let selected = state.selected, let series = model.topic(at: selected)?.series, !series.paths.isEmpty else {
            state.status = ("the selected topic has no numeric series yet", true)
            return
        }
        let current = model.primary(of: selected, chosen: state.chosenSeries[selected])
            .flatMap { series.paths.firstIndex(of: $0.path) } ?? 0
        state.mode = .seriesPicker(paths: series.paths, index: current)
    }

    func pickSeries(_ paths: [String], _ index: Int, _ key: Key, model: TopicModel) {
        switch key {
        case .up, .character("k"): state.mode = .seriesPicker(paths: paths, index: max(0, index - 1))
        case .down, .character("j"): state.mode = .seriesPicker(paths: paths, index: min(paths.count - 1, index + 1))
        case .enter:
            if let selected = state.selected { state.chosenSeries[selected] = paths[index] }
            state.mode = .browse
        case .character("a"):
            // Back to the automatic choice.
            if let selected = state.selected { state.chosenSeries[selected] = nil }
            state.mode = .browse
        default:
            state.mode = .browse
        }
    }
}
