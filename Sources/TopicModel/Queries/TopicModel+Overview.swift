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
        let temperatures = Int(node.temperatureCount)
        let others = Int(node.seriesCount - node.temperatureCount)
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
        // Series: temperatures first, then the rest.
        for temperature in [true, false] {
            visitRows(below: branch.index, skip: &skip, want: want, collected: rows.count,
                      subtree: { index in
                          let node = nodes[Int(index)]
                          return Int(temperature ? node.temperatureCount : node.seriesCount - node.temperatureCount)
                      },
                      own: { index in
                          let topic = nodes[Int(index)].topic
                          guard topic >= 0 else { return 0 }
                          let record = topics[Int(topic)]
                          return Int(temperature ? record.countedTemperatures : record.countedFields - record.countedTemperatures)
                      }) { index, range in
                let fields = self.fields(of: NodeID(index)).filter { ($0.kind == .temperature) == temperature }
                let topic = overviewTopic(index, below: branch.index)
                // Clamped: counts and kinds agree by construction, and a disagreement must not trap.
                let shown = fields[range.clamped(to: fields.indices)]
                for field in shown { rows.append(.series(overviewSeries(field, topic: topic))) }
                return shown.count
            }
        }
        return BranchOverview(rows: rows, totalRows: problems + temperatures + others, problemCount: problems)
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

    /// A topic's numeric fields in first-seen order, with their newest value, unit and kind.
    func fields(of id: NodeID) -> [(path: String, value: Double, unit: String?, kind: SeriesKind, series: TimeSeries?)] {
        guard let record = topic(at: id) else { return [] }
        var numbers: [(path: String, value: Double, series: TimeSeries?)]
        if let series = record.series {
            numbers = zip(series.paths, series.series).map { ($0, $1.last?.value ?? 0, $1.count > 1 ? $1 : nil) }
        } else {
            numbers = record.firstNumbers.map { ($0.path, $0.value, nil) }
        }
        let readings = Self.readingPaths(record)
        if readings.count < numbers.count { numbers.removeAll { !readings.contains($0.path) } }
        return numbers.map { number in
            let unit = unit(of: id, path: number.path)
            let name = number.path.isEmpty ? readingName(id.index) : number.path
            return (number.path, number.value, unit, SeriesKind.of(unit: unit, name: name), number.series)
        }
    }

    private func overviewSeries(_ field: (path: String, value: Double, unit: String?, kind: SeriesKind, series: TimeSeries?),
                                topic: OverviewTopic) -> OverviewSeries {
        let stale = self.topic(at: topic.node)?.liveness.isStale ?? false
        return OverviewSeries(topic: topic, field: field.path, value: field.value, unit: field.unit, kind: field.kind,
                              series: field.series, isStale: stale)
    }

    private func overviewTopic(_ index: Int32, below branch: Int32) -> OverviewTopic {
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
