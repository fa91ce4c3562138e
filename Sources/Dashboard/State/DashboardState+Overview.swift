import TopicModel

extension DashboardState {
    /// The branch the overview shows: the selected one; with nothing selected and a filter on
    /// the tree, the branch its literal start names (`home` for `home/+/heater`, `zigbee2mqtt`
    /// for `zigbee2mqtt/#`), so the overview looks where the tree does; else the whole broker.
    /// With several brokers a filter applies within each, so the overview is the whole screen's.
    func overviewBranch(model: TopicModel) -> NodeID {
        if let selected { return selected }
        guard let filter, !model.hasBrokerLevel else { return .root }
        let literal = filter.split(separator: "/", omittingEmptySubsequences: false).prefix { $0 != "+" && $0 != "#" }
        return literal.isEmpty ? .root : model.find(literal.joined(separator: "/")) ?? .root
    }

    /// The overview's rows under the tree's filter, while the overview follows it (nothing is
    /// selected): the matching topics' only. Nil without a filter, or past
    /// `TopicModel.filteredOverviewLimit` matches (the whole branch is shown then).
    func filteredOverview(of branch: NodeID, model: TopicModel, matches: FilterMatches?) -> FilteredOverview? {
        guard selected == nil, let filter, let matches else { return nil }
        return model.overview(of: branch, matching: .wildcard(filter), matches: matches)
    }
}
