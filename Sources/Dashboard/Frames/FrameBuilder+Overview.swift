import TopicModel

/// The overview in the detail pane: a branch (or the whole broker) at a glance.
extension FrameBuilder {
    /// The overview of `branch` for this frame: O(rows on screen); under the tree's filter
    /// (nothing selected), only the matching topics' rows, O(matching topics). Its cursor and
    /// scroll are kept within its rows.
    ///
    /// `brokerProblems`, the brokers that are down, lead the whole screen's overview; the firing
    /// `alerts` on the branch's topics lead its rows.
    func overview(of branch: NodeID, model: TopicModel, state: inout DashboardState, layout: Layout,
                  matches: FilterMatches?, brokerProblems: [(name: String, status: ConnectionStatus)],
                  alerts: [DashboardFrame.Alerts.Firing] = []) -> DashboardFrame.Overview {
        let path = branch == .root ? "" : model.path(of: branch)
        let alerts = path.isEmpty ? alerts : alerts.filter { $0.topic == path || $0.topic.hasPrefix(path + "/") }
        let node = model.node(branch)
        let treeFilter = state.selected == nil ? state.filter : nil
        let filtered = state.filteredOverview(of: branch, model: model, matches: matches)
        let total = filtered?.rows.count ?? Int(node.staleCount + node.offlineCount + node.stateCount + node.seriesCount)
        let height = max(1, layout.overviewRows(thirdLine: DashboardFrame.Overview.hasThirdLine(isWholeScreen: branch == .root,
                                                                                                brokersDown: brokerProblems.count))
                             - DashboardFrame.Overview.alertLines(alerts.count))
        state.overviewCursor = max(0, min(state.overviewCursor, total - 1))
        state.overviewScroll = max(0, min(state.overviewScroll, state.overviewCursor, max(0, total - height)))
        if state.overviewCursor >= state.overviewScroll + height { state.overviewScroll = state.overviewCursor - height + 1 }
        let window: BranchOverview
        if let filtered {
            let start = min(state.overviewScroll, filtered.rows.count)
            window = BranchOverview(rows: Array(filtered.rows[start..<min(filtered.rows.count, start + height)]), totalRows: total,
                                    problemCount: filtered.problemCount)
        } else {
            window = model.overview(of: branch, offset: state.overviewScroll, limit: height)
        }
        // Above the brokers, each name starts with its broker's.
        let ledByBroker = model.hasBrokerLevel && branch == .root
        let width = OverviewView.sparklineWidth(contentWidth: DetailPane.contentWidth(layout), ledByBroker: ledByBroker)
        let lines = window.rows.map { row -> DashboardFrame.Overview.Line in
            guard case let .series(series) = row, let points = series.series else { return .init(row: row, sparkline: nil) }
            return .init(row: row, sparkline: sparkScales.render(points, as: .init(node: series.topic.node, field: series.field, width: width),
                                                                 kind: series.kind, scratch: &sparkScratch))
        }
        var overview = DashboardFrame.Overview(
            path: path, topicCount: Int(node.topicCount),
            stateCount: filtered?.stateCount ?? Int(node.stateCount),
            temperatureCount: filtered?.temperatureCount ?? Int(node.temperatureCount),
            otherReadingCount: filtered?.otherReadingCount ?? Int(node.otherReadingCount),
            internalCount: filtered?.internalCount ?? Int(node.internalCount), problemCount: window.problemCount,
            offlineSources: branch == .root ? [] : model.offlineSources(of: branch).map { model.path(of: $0) }, lines: lines,
            totalRows: window.totalRows, scroll: state.overviewScroll, cursor: state.overviewCursor,
            sparklineWidth: width, treeFilter: treeFilter,
            matchingTopics: treeFilter == nil ? nil : (filtered?.topicCount ?? matches?.count(at: branch)))
        if branch == .root { overview.brokerProblems = brokerProblems }
        overview.namesLedByBroker = ledByBroker
        overview.traffic = node.traffic
        overview.brokerTraffic = model.brokerTraffic(of: branch)
        overview.watchingSince = model.watchingSince
        overview.alerts = alerts
        return overview
    }
}
