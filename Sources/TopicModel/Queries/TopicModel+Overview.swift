// MARK: - The branch overview

extension TopicModel {
    /// The overview of `branch` (the root for the whole broker), rows `offset ..< offset + limit`.
    ///
    /// O(rows returned × depth): each part walks the tree lazily in natural order, skipping every
    /// subtree whose count (stale, offline, temperatures, other series) is zero or falls wholly
    /// before the window.
    public func overview(of branch: NodeID, offset: Int, limit: Int) -> BranchOverview {
        let node = nodes[Int(branch.index)]
        let problems = Int(node.staleCount + node.offlineCount)
        var rows: [BranchOverview.Row] = []
        var skip = max(0, offset)
        let want = max(0, limit)

        // Problems: offline devices and stale topics.
        visitRows(below: branch.index, skip: &skip, want: want, collected: rows.count,
                  subtree: { Int(nodes[Int($0)].staleCount + nodes[Int($0)].offlineCount) },
                  own: { ownProblems($0).count }) { index, range in
            let topic = overviewTopic(index, below: branch.index)
            let own = ownProblems(index)
            let problems = own[range.clamped(to: own.indices)]
            for problem in problems { rows.append(problem == .offline ? .offline(topic) : .stale(topic)) }
            return problems.count
        }
        // Readings: room temperatures first; after them what devices are doing; then the other
        // readings, and last what devices say of themselves.
        for role in [ReadingRole.temperature, .reading, .deviceInternal] {
            if role == .reading { states(below: branch.index, skip: &skip, want: want, into: &rows) }
            visitRows(below: branch.index, skip: &skip, want: want, collected: rows.count,
                      subtree: { index in
                          let node = nodes[Int(index)]
                          switch role {
                          case .temperature: return Int(node.temperatureCount)
                          case .reading: return Int(node.otherReadingCount)
                          case .deviceInternal: return Int(node.internalCount)
                          }
                      },
                      own: { index in
                          guard let counted = ownRecord(index)?.counted else { return 0 }
                          switch role {
                          case .temperature: return Int(counted.temperatures)
                          case .reading: return Int(counted.readings) - Int(counted.temperatures) - Int(counted.internals)
                          case .deviceInternal: return Int(counted.internals)
                          }
                      }) { index, range in
                let fields = self.fields(of: NodeID(index)).filter { $0.reading.role == role }
                let topic = overviewTopic(index, below: branch.index)
                // Clamped: counts and roles agree by construction, and a disagreement must not trap.
                let shown = fields[range.clamped(to: fields.indices)]
                for field in shown { rows.append(.series(overviewSeries(field, topic: topic))) }
                return shown.count
            }
        }
        let total = problems + Int(node.stateCount) + Int(node.seriesCount)
        return BranchOverview(rows: rows, totalRows: total, problemCount: problems)
    }

    /// The state rows: lights, plugs, switches and doors, and what each is doing.
    private func states(below branch: Int32, skip: inout Int, want: Int, into rows: inout [BranchOverview.Row]) {
        visitRows(below: branch, skip: &skip, want: want, collected: rows.count,
                  subtree: { Int(nodes[Int($0)].stateCount) },
                  own: { index in ownRecord(index)?.counted.hasState == true ? 1 : 0 }) { index, _ in
            guard let row = stateRow(index, below: branch) else { return 0 }
            rows.append(row)
            return 1
        }
    }

    /// A device's state row: its word, and its most telling reading (not one of its own internals).
    private func stateRow(_ index: Int32, below branch: Int32) -> BranchOverview.Row? {
        guard let record = ownRecord(index), let state = state(of: NodeID(index)) else { return nil }
        let reading = primaryReading(of: NodeID(index), state: .some(state)).flatMap { primary -> OverviewState.Reading? in
            guard primary.path.caseInsensitiveCompare(state.key) != .orderedSame, let role = primary.role,
                  role != .deviceInternal else { return nil }
            return OverviewState.Reading(path: primary.path, value: primary.value, unit: primary.unit)
        }
        return .state(OverviewState(topic: overviewTopic(index, below: branch), state: state, reading: reading,
                                    isStale: record.liveness.isStale))
    }

    // MARK: - Under a filter

    /// The most matching topics an overview lists under a filter: it reads each of them per frame.
    public static let filteredOverviewLimit = 2_000

    /// The overview of `branch` with only the topics `filter` matches, in the same order and
    /// parts; nil when more than `filteredOverviewLimit` of them match (the whole branch's is
    /// shown then). `matches` are the tree's counts for the filter. O(matching topics).
    public func overview(of branch: NodeID, matching filter: TopicFilter, matches: FilterMatches) -> FilteredOverview? {
        let matching = matches.count(at: branch)
        guard matching <= Self.filteredOverviewLimit else { return nil }
        var problems: [BranchOverview.Row] = [], states: [BranchOverview.Row] = []
        var byRole: [ReadingRole: [BranchOverview.Row]] = [.temperature: [], .reading: [], .deviceInternal: []]
        walk(from: branch.index) { index in
            guard matches.count(at: NodeID(index)) > 0 else { return false }
            guard nodes[Int(index)].topic >= 0, filter.matches(topicName(of: NodeID(index))) else { return true }
            let topic = overviewTopic(index, below: branch.index)
            for problem in ownProblems(index) { problems.append(problem == .offline ? .offline(topic) : .stale(topic)) }
            if ownRecord(index)?.counted.hasState == true, let row = stateRow(index, below: branch.index) { states.append(row) }
            for field in fields(of: NodeID(index)) { byRole[field.reading.role, default: []].append(.series(overviewSeries(field, topic: topic))) }
            return true
        }
        let temperatures = byRole[.temperature] ?? [], readings = byRole[.reading] ?? [], internals = byRole[.deviceInternal] ?? []
        return FilteredOverview(rows: problems + temperatures + states + readings + internals, topicCount: matching,
                                problemCount: problems.count, stateCount: states.count, temperatureCount: temperatures.count,
                                otherReadingCount: readings.count, internalCount: internals.count)
    }

    private func ownRecord(_ index: Int32) -> TopicRecord? {
        let topic = nodes[Int(index)].topic
        return topic >= 0 ? topics[Int(topic)] : nil
    }

    private enum Problem { case offline, stale }

    /// The problems a node is itself: an offline device, a stale topic, or both.
    private func ownProblems(_ index: Int32) -> [Problem] {
        var problems: [Problem] = []
        if availability.isOfflineDevice(index) { problems.append(.offline) }
        let topic = nodes[Int(index)].topic
        if topic >= 0, topics[Int(topic)].liveness.isStale { problems.append(.stale) }
        return problems
    }

    /// A topic's readings in first-seen order, with their newest value and series.
    func fields(of id: NodeID) -> [(reading: Reading, value: Double, series: TimeSeries?)] {
        guard let record = topic(at: id) else { return [] }
        return readings(of: id).compactMap { reading in
            if let series = record.series?.series(at: reading.path) {
                return (reading, series.last?.value ?? 0, series.count > 1 ? series : nil)
            }
            return record.firstNumbers.first { $0.path == reading.path }.map { (reading, $0.value, nil) }
        }
    }

    private func overviewSeries(_ field: (reading: Reading, value: Double, series: TimeSeries?), topic: OverviewTopic) -> OverviewSeries {
        let stale = self.topic(at: topic.node)?.liveness.isStale ?? false
        var label = label(for: topic.node, field: field.reading.path)?.name
        // Above the brokers, a discovery name says whose it is, as the other rows' paths do.
        if let name = label, hasBrokerLevel, let broker = broker(of: topic.node), topic.name.hasPrefix(brokerNames[broker] + "/") {
            label = brokerNames[broker] + "/" + name
        }
        return OverviewSeries(topic: topic, field: field.reading.path, value: field.value, unit: field.reading.unit,
                              kind: field.reading.kind, role: field.reading.role, series: field.series, isStale: stale, label: label)
    }

    /// A row's node, named by its path below the branch; the branch itself by its own level
    /// (the device `!` jumped to reads as itself, not as ".").
    private func overviewTopic(_ index: Int32, below branch: Int32) -> OverviewTopic {
        if index == branch, index != 0 {
            return OverviewTopic(node: NodeID(index), name: nodes[Int(index)].name, time: nodes[Int(index)].newest)
        }
        var levels: [String] = []
        var current = index
        while current != branch, current != 0 {
            levels.append(nodes[Int(current)].name)
            current = nodes[Int(current)].parent.index
        }
        return OverviewTopic(node: NodeID(index), name: levels.reversed().joined(separator: "/"), time: nodes[Int(index)].newest)
    }

    /// Walks the branch (itself first, then below it in natural order), handing `emit` each node
    /// with the range of its own rows that falls in the window (it returns how many it listed):
    /// `skip` rows are passed over first
    /// (whole subtrees at a time, by `subtree`), and the walk stops once `want` rows are collected.
    private func visitRows(below branch: Int32, skip: inout Int, want: Int, collected: Int,
                           subtree: (Int32) -> Int, own: (Int32) -> Int, emit: (Int32, Range<Int>) -> Int) {
        var collected = collected
        let total = subtree(branch)
        guard total > 0 else { return }
        if total <= skip {
            skip -= total
            return
        }
        func take(_ index: Int32) {
            let count = own(index)
            guard count > 0 else { return }
            let from = min(skip, count)
            skip -= from
            let taking = min(count - from, want - collected)
            guard taking > 0 else { return }
            collected += emit(index, from..<(from + taking))
        }
        take(branch)
        // An explicit stack of child lists and positions: nothing is pushed that is not visited.
        var stack: [(children: [Int32], next: Int)] = [(orderedChildren(branch), 0)]
        while collected < want, let top = stack.last {
            guard top.next < top.children.count else {
                stack.removeLast()
                continue
            }
            let child = top.children[top.next]
            stack[stack.count - 1].next += 1
            let rows = subtree(child)
            if rows == 0 { continue }
            if rows <= skip {
                skip -= rows
                continue
            }
            take(child)
            if rows > own(child) { stack.append((orderedChildren(child), 0)) }
        }
    }
}
