import TopicModel
import Watch

/// Turns a model and the view's state into a `DashboardFrame`, in two steps so the model's lock
/// is held only while the model is read:
///
/// 1. `snapshot` reads the model: counts, the tree's rows on screen with their sparklines, the
///    selected topic's record (a copy) or the overview's rows. O(rows on screen).
/// 2. `finish` formats, with the model unlocked: the payload (cached per message and width),
///    what changed since the previous message, the detail pane's lines and its scroll, and the
///    next page of recorded messages to read.
///
/// It keeps what frames reuse: the rate meter, the payload and changes caches, sparkline scratch.
///
/// ```swift
/// var frame = model.withLock { builder.snapshot(model: $0, rows: window, state: &state, layout: layout, connection: connection, now: now) }
/// builder.finish(&frame, state: &state)
/// DashboardView.draw(frame, on: &canvas)
/// ```
public final class FrameBuilder {
    var rate = RateMeter()
    var sparkScratch: [SparkBucket] = []
    var sparkScales = SparkScales()
    /// The selected topic's formatted payload, kept until a new message or width.
    var payloadCache: (key: PayloadKey, lines: [StyledLine])?
    /// What changed since the previous message (`v`), kept likewise.
    var changesCache: (key: PayloadKey, lines: [StyledLine])?
    /// Whether the last frame showed an age (the detail pane's), which moves every second.
    var showedAge = false
    /// Numbers each reading of a history table (`OlderMessages.generation`).
    var olderGenerations = 0
    /// Whether a history store is open: the history table then pages back into it.
    public var readsHistoryStore = false

    public init() {}

    /// True while something the frames show moves with the clock: the rate falling to zero, an age.
    public var isMoving: Bool { rate.isMoving || showedAge }

    // MARK: - Reading the model

    /// What the frame takes from the model (held by the caller): `rows` are the tree's rows on
    /// screen, already settled against the selection (`DashboardController.settleRows`);
    /// `filterMatches`, under a filter, the tree's counts of its matches; `rules`, the rules the
    /// dashboard evaluates, with each one's last action (`actions`, by rule name).
    public func snapshot(model: TopicModel, rows window: VisibleRows, state: inout DashboardState, layout: Layout,
                         connection: ConnectionStatus, links: [ConnectionStatus] = [], now: Double,
                         filterMatches: FilterMatches? = nil, rules: RuleEngine? = nil,
                         actions: [String: WatchState.ActionResult] = [:]) -> DashboardFrame {
        rate.record(count: model.messageCount, at: now)
        sparkScales.startFrame()
        var frame = DashboardFrame(layout: layout, connection: connection)
        let links = model.hasBrokerLevel && links.count == model.brokerNames.count ? links : []
        frame.links = links
        frame.topicCount = model.topicCount
        frame.retainedCount = model.retainedCount
        // A broker that is down has no stale topics: the model keeps them unreachable instead.
        frame.staleCount = model.staleCount
        frame.offlineCount = model.offlineDeviceCount
        frame.showsAges = state.showsAges
        frame.messageRate = rate.perSecond
        frame.watchingSince = model.watchingSince
        frame.now = now
        frame.mode = state.mode
        frame.focus = state.focus
        frame.filter = state.filter
        frame.status = state.status
        if let search = state.search { frame.search = (search.text, (search.current ?? 0) + 1, search.count) }
        if let rules {
            let listsRules = if case .rules = state.mode { true } else { false }
            frame.alerts = alerts(rules, model: model, actions: actions, listsRules: listsRules, now: now)
        }
        showedAge = false
        guard !layout.isTooSmall else { return frame }

        frame.totalRows = window.totalRows
        frame.scroll = state.scroll
        let sparkWidth = TreePane.sparklineWidth(for: layout.tree.width)
        // Each row carries what it draws: no row goes back to the model.
        frame.rows = window.rows.map { row in
            var sparkline: String?
            if sparkWidth > 0, let topic = row.topic, let series = topic.series {
                sparkline = sparkScales.render(series, as: .init(node: row.node, field: "", width: sparkWidth), kind: topic.kind, scratch: &sparkScratch)
            }
            var item = DashboardFrame.Row(tree: row, sparkline: sparkline, isSelected: row.node == state.selected)
            if !links.isEmpty, let broker = model.broker(of: row.node) {
                if row.depth == 0 { item.link = links[broker] }
                item.isUnreachable = links[broker].isDown
            }
            return item
        }
        if let selected = state.selected, model.topic(at: selected) != nil {
            frame.detail = detail(selected, model: model, state: state, now: now)
        } else {
            let down = links.indices.filter { links[$0].isDown }.map { (name: model.brokerNames[$0], status: links[$0]) }
            frame.overview = overview(of: state.overviewBranch(model: model), model: model, state: &state, layout: layout,
                                      matches: filterMatches, brokerProblems: down, alerts: frame.alerts?.firing ?? [])
        }
        showedAge = frame.detail?.record != nil || !(frame.overview?.lines.isEmpty ?? true)
        frame.wantedHistory = wantedHistory(frame, model: model, state: state)
        return frame
    }

    /// The topics this frame draws whose recorded past is not read yet: the rows, the selection
    /// and the overview's series.
    private func wantedHistory(_ frame: DashboardFrame, model: TopicModel, state: DashboardState) -> [String] {
        var nodes = frame.rows.map(\.tree.node)
        if let selected = state.selected { nodes.append(selected) }
        for line in frame.overview?.lines ?? [] {
            if case let .series(series) = line.row { nodes.append(series.topic.node) }
        }
        var seen = Set<NodeID>()
        return nodes.filter { model.historyWanted($0) && seen.insert($0).inserted }.map { model.path(of: $0) }
    }

    // MARK: - Formatting

    /// Formats what `snapshot` took, without the model: the detail pane's lines, its scroll and
    /// the next page of recorded messages to read.
    public func finish(_ frame: inout DashboardFrame, state: inout DashboardState) {
        guard var detail = frame.detail else {
            frame.detailScroll = min(state.detailScroll, state.detailBottom)
            return
        }
        let layout = frame.layout
        let width = DetailPane.contentWidth(layout)
        if let record = detail.record {
            detail.payloadLines = payloadLines(record, of: detail.path, width: width)
            if state.showsChanges { detail.changes = changes(record, of: detail.path, width: width) }
            let older = olderMessages(of: detail.path, history: record.history, state: &state)
            detail.olderMessages = older.messages
            detail.olderNote = older.note
        }
        frame.detail = detail
        frame.detailLines = DetailPane.lines(detail, width: width, graphHeight: DetailPane.graphHeight(layout.detail), now: frame.now)
        // Scrolled to the end (G) stays at the end as lines are added; otherwise the scroll is
        // kept within the lines.
        state.detailBottom = max(0, frame.detailLines.count - layout.detail.height)
        if state.detailScroll != ListMove.last.applied(to: 0) { state.detailScroll = min(state.detailScroll, state.detailBottom) }
        if let page = nextOlderPage(detail, lineCount: frame.detailLines.count, layout: layout, state: &state) {
            frame.wantedOlderMessages = page
            frame.detailLines.append(DetailPane.olderNote(OlderMessages.readingNote))
        }
        frame.detailScroll = min(state.detailScroll, state.detailBottom)
    }
}

/// What the formatted payload of the detail pane depends on.
struct PayloadKey: Equatable {
    let topic: String
    let messageCount: Int
    let width: Int
}
