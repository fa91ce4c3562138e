import TopicModel

/// The selected topic's detail pane: read from the model in `snapshot`, formatted in `finish`.
extension FrameBuilder {
    /// What the pane shows of topic `id`; its payload, changes and recorded messages are left
    /// for `finish`, which formats them without the model.
    func detail(_ id: NodeID, model: TopicModel, state: DashboardState, now: Double) -> DashboardFrame.Detail {
        let node = model.node(id)
        let record = model.topic(at: id)
        // One pass for the graphed series' path, kind and unit.
        let graphed = model.primaryReading(of: id, chosen: state.chosenSeries[id])
        let graphPath = graphed?.path
        return DashboardFrame.Detail(
            path: model.path(of: id), record: record, label: model.label(for: id), childCount: model.childCount(of: id),
            topicCount: Int(node.topicCount), retainedCount: Int(node.retainedCount),
            staleCount: Int(node.staleCount), offlineCount: Int(node.offlineCount),
            silence: record.map { model.silence(of: $0, now: now) },
            offlineSources: model.offlineSources(of: id).map { model.path(of: $0) },
            isInsideOfflineDevice: model.isInsideOfflineDevice(id), announcesOffline: model.announcesOffline(id),
            seriesPaths: record?.series?.paths ?? [], graphPath: graphPath,
            graph: graphPath.flatMap { record?.series?.series(at: $0) },
            graphKind: graphed?.kind ?? .other, graphUnit: graphed?.unit, graphWindow: state.graphWindow,
            changes: nil, previousTime: record?.history.messages.last?.time, payloadLines: [],
            traffic: model.ownTraffic(of: id, now: now), brokerTraffic: model.brokerTraffic(of: id), watchingSince: model.watchingSince)
    }

    /// The selected payload, formatted once per message rather than once per frame (a 64 KiB
    /// JSON payload is thousands of tokens).
    func payloadLines(_ record: TopicRecord, of path: String, width: Int) -> [StyledLine] {
        let key = PayloadKey(topic: path, messageCount: record.messageCount, width: width)
        if let payloadCache, payloadCache.key == key { return payloadCache.lines }
        // Wrapped once here, with the width in the key: a long line is never cut.
        let lines = PayloadFormatter.lines(record.last.payload, truncated: record.last.isTruncated, width: width)
            .flatMap { $0.wrapped(width: width) }
        payloadCache = (key, lines)
        return lines
    }

    /// What changed since the previous message, worked out once per message and width.
    func changes(_ record: TopicRecord, of path: String, width: Int) -> [StyledLine]? {
        guard let previous = record.history.messages.last else { return nil }
        let key = PayloadKey(topic: path, messageCount: record.messageCount, width: width)
        if let changesCache, changesCache.key == key { return changesCache.lines }
        let lines = PayloadDiff.lines(previous: previous, last: record.last, width: width)
        changesCache = (key, lines)
        return lines
    }

    /// The selected topic's recorded messages older than the model's, and what the table says
    /// after them; what the model dropped since the last frame joins them.
    func olderMessages(of path: String, history: MessageHistory, state: inout DashboardState) -> (messages: [StoredMessage], note: String?) {
        guard readsHistoryStore else { return ([], nil) }
        if state.olderMessages?.topic != path {
            olderGenerations += 1
            state.olderMessages = OlderMessages(topic: path, generation: olderGenerations)
        }
        state.olderMessages?.follow(history)
        guard let older = state.olderMessages else { return ([], nil) }
        return (older.messages, older.note)
    }

    /// The next page of recorded messages to read: when the history table's end is on screen
    /// and the store may have more.
    func nextOlderPage(_ detail: DashboardFrame.Detail, lineCount: Int, layout: Layout, state: inout DashboardState) -> OlderMessages.Request? {
        guard let record = detail.record, var older = state.olderMessages, older.topic == detail.path, older.wantsMore,
              min(state.detailScroll, state.detailBottom) + layout.detail.height >= lineCount else { return nil }
        older.isReading = true
        state.olderMessages = older
        if let cursor = older.cursor { return .init(topic: detail.path, before: cursor.time, id: cursor.id, generation: older.generation) }
        return .init(topic: detail.path, before: record.history.messages.first?.time ?? record.last.time, id: .max, generation: older.generation)
    }
}
