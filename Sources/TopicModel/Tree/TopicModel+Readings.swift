extension TopicModel {
    // MARK: - Readings

    /// A topic's readings in first-seen order: its numeric fields less a state's own 1/0 (ON,
    /// `output: true`) and the second half of a °C/°F pair. O(fields); reads the payload's top
    /// level when a convention needs it.
    public func readings(of id: NodeID) -> [Reading] {
        guard nodes[Int(id.index)].topic >= 0 else { return [] }
        return readings(nodes[Int(id.index)].topic, topic: topicName(of: id))
    }

    /// `state` is the payload's `DeviceState` when the caller has it already.
    func readings(_ index: Int32, topic: String, state known: DeviceState?? = nil) -> [Reading] {
        let record = topics[Int(index)]
        var paths = record.series?.paths ?? record.firstNumbers.map(\.path)
        guard !paths.isEmpty else { return [] }
        let payload = record.last.payload
        if paths.contains(""), NumberExtractor.isStateWord(payload) { paths.removeAll { $0.isEmpty } }
        // A topic counted without a state has none (it is counted again when its fields change).
        if paths.contains(where: { !$0.isEmpty }),
           let state = known ?? (record.counted.hasState ? DeviceState.of(payload) : nil), !state.key.isEmpty {
            paths.removeAll { $0.caseInsensitiveCompare(state.key) == .orderedSame }
        }
        paths = withoutUnitTwins(paths)
        let node = record.node.index
        let level = nodes[Int(node)].name
        var texts: [(key: String, text: String)]?
        return paths.map { path in
            let name = fieldName(path, of: node)
            let key = ReadingConvention.lastKey(name)
            let unit = unit(path, key: key, of: record, topic: topic, level: level) {
                if texts == nil { texts = NumberExtractor.topLevelTexts(in: payload) }
                return texts ?? []
            }
            let kind = SeriesKind.of(unit: unit, name: name)
            let role: ReadingRole = ReadingConvention.isDeviceInternal(field: path, key: key, level: path.isEmpty ? Substring(name) : Substring(level))
                ? .deviceInternal : kind == .temperature && !ReadingConvention.isDerived(key: key) ? .temperature : .reading
            return Reading(path: path, unit: unit, kind: kind, role: role)
        }
    }

    /// The paths less one of each `tC`/`tF` pair (Shelly sends both): the °F one while most
    /// readings are in °C, else the °C one.
    private func withoutUnitTwins(_ paths: [String]) -> [String] {
        guard paths.count > 1, paths.contains(where: Self.isUnitField) else { return paths }
        let dropped = prefersFahrenheit ? "tC" : "tF"
        let kept = prefersFahrenheit ? "tF" : "tC"
        return paths.filter { path in
            guard path == dropped || path.hasSuffix("." + dropped) else { return true }
            return !paths.contains(String(path.dropLast(2)) + kept)
        }
    }

    /// Whether more of the home's temperatures are in °F than in °C.
    var prefersFahrenheit: Bool { fahrenheitLean > 0 }

    /// The unit of a reading: Home Assistant discovery's for that field, else the one a plain
    /// payload carried ("21.5 °C"), else what the field's name says (`tC`, `tF`), else what its
    /// convention documents (zigbee2mqtt, Tasmota's `TempUnit`, Shelly).
    private func unit(_ path: String, key: String? = nil, of record: TopicRecord, topic: String, level: String,
                      texts: () -> [(key: String, text: String)]) -> String? {
        if !labels.isEmpty, let unit = labels[HomeAssistantDiscovery.labelKey(topic, field: path)]?.unit { return unit }
        if path.isEmpty { return record.plainUnit }
        return Self.unitOfField(path)
            ?? ReadingConvention.unit(topic: topic, level: level, field: path, key: key ?? ReadingConvention.lastKey(path),
                                      fields: record.series?.paths ?? record.firstNumbers.map(\.path), texts: texts)
    }

    /// The unit of a topic's series at `path` (see `readings`).
    public func unit(of id: NodeID, path: String) -> String? {
        guard let record = topic(at: id) else { return nil }
        return unit(path, of: record, topic: self.topicName(of: id), level: nodes[Int(id.index)].name) {
            NumberExtractor.topLevelTexts(in: record.last.payload)
        }
    }

    /// A field whose name is a unit (`tC`, `temperature.tF`).
    static func isUnitField(_ path: String) -> Bool { path.hasSuffix("tC") || path.hasSuffix("tF") }

    /// Units some conventions put in a field's name: Shelly's `tC` and `tF`.
    static func unitOfField(_ path: String) -> String? {
        if path == "tC" || path.hasSuffix(".tC") { return "°C" }
        if path == "tF" || path.hasSuffix(".tF") { return "°F" }
        return nil
    }

    /// What a topic's series at `path` measures, from its unit and its name.
    public func kind(of id: NodeID, path: String) -> SeriesKind {
        SeriesKind.of(unit: unit(of: id, path: path), name: fieldName(path, of: id.index))
    }

    /// What names a field for its kind and role: its JSON path, or for a plain payload the
    /// level that names the reading.
    func fieldName(_ path: String, of node: Int32) -> String {
        path.isEmpty ? readingName(node) : path
    }

    /// The level that names a plain reading: the topic's own, or its parent's when its own is a
    /// convention's word (ESPHome's `sensor/temperature/state`).
    func readingName(_ index: Int32) -> String {
        let name = nodes[Int(index)].name
        guard Self.plainValueLevels.contains(name.lowercased()), index != 0 else { return name }
        return nodes[Int(nodes[Int(index)].parent.index)].name
    }

    static let plainValueLevels: Set<String> = ["state", "value", "get", "data"]

    /// What the device at this topic says it is doing (ON, closed), if anything: read from the
    /// newest payload only for topics counted with a state.
    public func state(of id: NodeID) -> DeviceState? {
        guard let record = topic(at: id), record.counted.hasState else { return nil }
        return DeviceState.of(record.last.payload)
    }

    /// The primary series' path and newest value (see `primaryReading`). Never parses a payload
    /// for a plain number.
    public func primary(of id: NodeID, chosen: String? = nil) -> (path: String, value: Double)? {
        primaryReading(of: id, chosen: chosen).map { ($0.path, $0.value) }
    }

    /// The primary series and what it is, in one pass over the topic: the chosen path when the
    /// topic has it, else a room temperature, else the most telling reading (a plug's power, a
    /// light's brightness), else the first reading, else a device internal, else the first field
    /// (a state's own 1/0). `state` is the payload's `DeviceState` when the caller has it already.
    public func primaryReading(of id: NodeID, chosen: String? = nil, state: DeviceState?? = nil) -> PrimaryReading? {
        guard let record = topic(at: id) else { return nil }
        let numbers: [(path: String, value: Double)] = record.series.map { set in
            zip(set.paths, set.series).compactMap { path, series in series.last.map { (path, $0.value) } }
        } ?? record.firstNumbers
        guard !numbers.isEmpty else { return nil }
        let topic = topicName(of: id)
        let readings = self.readings(nodes[Int(id.index)].topic, topic: topic, state: state)
        let path = chosen.flatMap { chosen in numbers.first { $0.path == chosen }?.path }
            ?? readings.first { $0.role == .temperature }?.path
            ?? ReadingConvention.tellingKeys.lazy.compactMap { key in
                readings.first { $0.role == .reading && ReadingConvention.lastKey($0.path) == key }?.path
            }.first
            ?? readings.first { $0.role == .reading }?.path
            ?? readings.first?.path
            ?? numbers[0].path
        let value = numbers.first { $0.path == path }?.value ?? numbers[0].value
        if let reading = readings.first(where: { $0.path == path }) {
            return PrimaryReading(path: path, value: value, unit: reading.unit, kind: reading.kind, role: reading.role)
        }
        // A field that is no reading (a state's 1/0, a °C/°F twin): its unit and kind all the same.
        let unit = unit(path, of: record, topic: topic, level: nodes[Int(id.index)].name) {
            NumberExtractor.topLevelTexts(in: record.last.payload)
        }
        return PrimaryReading(path: path, value: value, unit: unit,
                              kind: SeriesKind.of(unit: unit, name: fieldName(path, of: id.index)), role: nil)
    }

    // MARK: - Counting

    /// Works out what a topic counts in its branches (readings by role, and whether it states
    /// something) when its fields changed; returns the change to add up its path. `topic` is its
    /// name, passed so it is not built again.
    mutating func countReadings(_ index: Int32, topic: String, force: Bool = false) -> ReadingCounts {
        let fieldCount = topics[Int(index)].fieldCount
        let payload = topics[Int(index)].last.payload
        let signature = fieldCount * 2 + (NumberExtractor.isStateWord(payload) ? 1 : 0)
        let before = topics[Int(index)].counted
        guard force || signature != Int(before.signature) else { return ReadingCounts() }
        let state = DeviceState.of(payload)
        let readings = self.readings(index, topic: topic, state: .some(state))
        var after = CountedReadings()
        after.signature = UInt8(clamping: signature)
        after.readings = UInt8(clamping: readings.count)
        after.temperatures = UInt8(clamping: readings.count { $0.role == .temperature })
        after.internals = UInt8(clamping: readings.count { $0.role == .deviceInternal })
        // Shelly's `<device>/online` says true or false: availability, not a switch. A topic
        // named `state` is read as availability only for its online/offline words, which are no
        // state anyway.
        let isAvailability = topics[Int(index)].announcesAvailability && nodes[Int(topics[Int(index)].node.index)].name.lowercased() != "state"
        after.hasState = state != nil && !isAvailability
        // A pair shows one half among the readings: only then are the fields looked at.
        if readings.contains(where: { Self.isUnitField($0.path) }) {
            let paths = topics[Int(index)].series?.paths ?? topics[Int(index)].firstNumbers.map(\.path)
            after.hasUnitPair = paths.contains { $0 == "tC" || $0.hasSuffix(".tC") } && paths.contains { $0 == "tF" || $0.hasSuffix(".tF") }
        }
        // The pair itself does not vote: its unit follows the others'.
        let lean = readings.reduce(0) { lean, reading in
            guard reading.role == .temperature, Self.unitOfField(reading.path) == nil else { return lean }
            switch reading.unit { case "°F", "℉": return lean + 1; case "°C", "℃": return lean - 1; default: return lean }
        }
        after.fahrenheitLean = Int8(clamping: lean)
        topics[Int(index)].counted = after
        if after.hasUnitPair { pairedTopics.insert(index) } else { pairedTopics.remove(index) }
        if after.fahrenheitLean != before.fahrenheitLean {
            let preferred = prefersFahrenheit
            fahrenheitLean += Int(after.fahrenheitLean) - Int(before.fahrenheitLean)
            if preferred != prefersFahrenheit { recountPairs() }
        }
        return ReadingCounts(readings: Int32(after.readings) - Int32(before.readings),
                             temperatures: Int32(after.temperatures) - Int32(before.temperatures),
                             internals: Int32(after.internals) - Int32(before.internals),
                             states: Int32(after.hasState ? 1 : 0) - Int32(before.hasState ? 1 : 0))
    }

    /// The home's preferred unit changed: each °C/°F pair now shows the other half.
    private mutating func recountPairs() {
        for index in pairedTopics {
            let node = topics[Int(index)].node
            addToPath(from: node.index, countReadings(index, topic: topicName(of: node), force: true))
        }
    }

    /// Adds `counts` to every node from `leaf` up to the root.
    mutating func addToPath(from leaf: Int32, _ counts: ReadingCounts) {
        guard counts != ReadingCounts() else { return }
        var current = leaf
        while true {
            nodes[Int(current)].add(counts)
            if current == 0 { return }
            current = nodes[Int(current)].parent.index
        }
    }
}
