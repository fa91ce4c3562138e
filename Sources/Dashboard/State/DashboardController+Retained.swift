import TopicModel

/// Clearing retained values: one (`d`) or everything below a node (`D`, with a dry run).
extension DashboardController {
    // MARK: Retained clearing

    func askToClear(model: TopicModel) {
        guard let selected = state.selected, let record = model.topic(at: selected), record.retained.isHeld else {
            state.status = ("the selected topic holds no retained value", true)
            return
        }
        var confirmation = DashboardState.Confirmation(question: "Clear the retained value of \(model.path(of: selected))?",
                                                       topics: [model.topicName(of: selected)], isBulk: false)
        confirmation.broker = model.broker(of: selected) ?? 0
        state.mode = .confirm(confirmation)
    }

    func askToClearBelow(model: TopicModel) {
        let node = state.selected ?? .root
        // Each broker clears its own: with several, the whole screen is not one place.
        guard let broker = model.broker(of: node) else {
            state.status = ("select a broker or a branch to clear its retained values", true)
            return
        }
        let topics = model.retainedTopics(under: node).map { model.topicName(of: $0) }
        guard !topics.isEmpty else {
            state.status = ("no retained values under the selected node", true)
            return
        }
        let place = node == .root ? "everywhere" : "under \(model.path(of: node))"
        let question = "Clear \(topics.count) retained value\(topics.count == 1 ? "" : "s") \(place)?"
        var confirmation = DashboardState.Confirmation(question: question, topics: topics, isBulk: true)
        confirmation.broker = broker
        state.mode = .confirm(confirmation)
    }

    func confirm(_ confirmation: DashboardState.Confirmation, _ key: Key, listScroll: Int?) -> [DashboardAction] {
        switch key {
        case .character("y"), .character("Y"):
            state.mode = .browse
            state.status = ("clearing \(confirmation.topics.count)…", false)
            return [.clearRetained(confirmation.topics, broker: confirmation.broker)]
        case .character("l") where confirmation.isBulk && listScroll == nil:
            state.mode = .retainedList(confirmation, scroll: 0)
        case .down, .character("j"), .pageDown:
            if let listScroll {
                let step = key == .pageDown ? max(1, layout.height - 6) : 1
                state.mode = .retainedList(confirmation, scroll: min(max(0, confirmation.topics.count - 1), listScroll + step))
            }
        case .up, .character("k"), .pageUp:
            if let listScroll {
                let step = key == .pageUp ? max(1, layout.height - 6) : 1
                state.mode = .retainedList(confirmation, scroll: max(0, listScroll - step))
            }
        default:
            state.mode = .browse
            state.status = ("nothing cleared", false)
        }
        return []
    }
}
