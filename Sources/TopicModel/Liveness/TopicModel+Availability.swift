/// Offline devices: availability topics (by convention or by a discovery config) mark the
/// branches they describe, and the counts up the tree follow.
extension TopicModel {
    /// Whether this device (a branch, or a discovery state topic) is announced offline.
    public func isOfflineDevice(_ id: NodeID) -> Bool { availability.isOfflineDevice(id.index) }

    /// Whether a node lies inside an offline device (the device itself included).
    public func isInsideOfflineDevice(_ id: NodeID) -> Bool {
        guard nodes[0].offlineCount > 0 else { return false }
        var current = id.index
        while current != 0 {
            if availability.isOfflineDevice(current) { return true }
            current = nodes[Int(current)].parent.index
        }
        return false
    }

    /// Whether this topic is an availability topic whose newest payload says offline.
    public func announcesOffline(_ id: NodeID) -> Bool {
        let index = nodes[Int(id.index)].topic
        return index >= 0 && !(availability.offlineBySource[index]?.isEmpty ?? true)
    }

    /// The availability topics that say a device is offline.
    public func offlineSources(of device: NodeID) -> [NodeID] {
        guard availability.isOfflineDevice(device.index) else { return [] }
        return availability.offlineBySource.filter { $0.value.contains(device.index) }
            .map { topics[Int($0.key)].node }.sorted()
    }

    /// A new topic: does it announce availability, by its name or a discovery rule?
    mutating func watchAvailability(_ index: Int32, topic: String) {
        if AvailabilityConvention.devices(of: topic) != nil || availability.rules[topic] != nil {
            topics[Int(index)].announcesAvailability = true
        }
    }

    /// Reads an availability topic's newest payload and marks or unmarks its devices.
    mutating func announceAvailability(_ source: Int32) {
        let record = topics[Int(source)]
        let topic = path(of: record.node)
        let payload = record.last.payload
        var offline: [Int32] = []
        var understood = false
        func mark(_ devicePath: String) {
            if let device = find(devicePath) {
                offline.append(device.index)
            } else {
                availability.pendingDevices[devicePath, default: []].insert(source)
            }
        }
        if let devices = AvailabilityConvention.devices(of: topic),
           let online = AvailabilityConvention.reading(payload, topicName: record.nodeName(in: self)) {
            understood = true
            if !online { devices.forEach(mark) }
        }
        for rule in availability.rules[topic] ?? [] {
            guard let online = rule.reading(payload) else { continue }
            understood = true
            if !online { mark(rule.stateTopic) }
        }
        // A payload no convention reads (an empty clear, a status report) changes nothing.
        guard understood else { return }
        setOffline(offline, by: source)
    }

    /// Sets what a source says is offline, moving the votes and counts of devices that changed.
    private mutating func setOffline(_ devices: [Int32], by source: Int32) {
        let before = availability.offlineBySource[source] ?? []
        availability.offlineBySource[source] = devices.isEmpty ? nil : devices
        for device in before where !devices.contains(device) {
            let votes = (availability.offlineVotes[device] ?? 1) - 1
            availability.offlineVotes[device] = votes > 0 ? votes : nil
            if votes == 0 { addToPath(from: device, \.offlineCount, -1) }
        }
        for device in devices where !before.contains(device) {
            let votes = (availability.offlineVotes[device] ?? 0) + 1
            availability.offlineVotes[device] = votes
            if votes == 1 { addToPath(from: device, \.offlineCount, 1) }
        }
    }

    /// New nodes that a source named before they existed: read those sources again.
    mutating func adoptPendingDevices(_ created: [Int32]) {
        for node in created {
            guard let sources = availability.pendingDevices.removeValue(forKey: path(of: NodeID(node))) else { continue }
            for source in sources.sorted() { announceAvailability(source) }
        }
    }

    /// A discovery config's availability rules: watch their topics, and read them if they spoke already.
    mutating func adoptAvailabilityRules(_ rules: [AvailabilityRule]) {
        for rule in rules where !(availability.rules[rule.topic]?.contains(rule) ?? false) {
            availability.rules[rule.topic, default: []].append(rule)
            guard let id = find(rule.topic), nodes[Int(id.index)].topic >= 0 else { continue }
            let source = nodes[Int(id.index)].topic
            topics[Int(source)].announcesAvailability = true
            announceAvailability(source)
        }
    }

    /// A removed (or replaced) config: its rules no longer mark anything.
    mutating func forgetAvailabilityRules(_ rules: [AvailabilityRule]) {
        for rule in rules {
            availability.rules[rule.topic]?.removeAll { $0 == rule }
            if availability.rules[rule.topic]?.isEmpty == true { availability.rules[rule.topic] = nil }
            guard let id = find(rule.topic), nodes[Int(id.index)].topic >= 0 else { continue }
            let source = nodes[Int(id.index)].topic
            // Read again without the rule; with nothing left to read, it marks nothing.
            if AvailabilityConvention.devices(of: rule.topic) == nil, availability.rules[rule.topic] == nil {
                setOffline([], by: source)
            } else {
                announceAvailability(source)
            }
        }
    }
}

extension TopicRecord {
    /// The last level of this topic's name.
    func nodeName(in model: TopicModel) -> String { model.node(node).name }
}
