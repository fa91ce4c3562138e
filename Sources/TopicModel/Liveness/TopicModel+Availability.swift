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
        return index >= 0 && !(availability.sources[index]?.offlineNodes.isEmpty ?? true)
    }

    /// The availability topics that say a device is offline.
    public func offlineSources(of device: NodeID) -> [NodeID] {
        guard availability.isOfflineDevice(device.index) else { return [] }
        return availability.sources.filter { $0.value.offlineNodes.contains(device.index) }
            .map { topics[Int($0.key)].node }.sorted()
    }

    /// A new topic: does it announce availability, by its name or a discovery rule?
    mutating func watchAvailability(_ index: Int32, topic: String) {
        let devices = AvailabilityConvention.devices(of: topic)
        let keyed = key(topic, broker: ingesting)
        guard devices != nil || availability.rules[keyed] != nil else { return }
        availability.sources[index] = AvailabilityWatch.Source(topic: keyed, conventionDevices: devices ?? [])
        topics[Int(index)].announcesAvailability = true
    }

    /// Reads an availability topic's newest payload with each of its readers, and marks or
    /// unmarks the devices they name.
    mutating func announceAvailability(_ index: Int32) {
        guard var source = availability.sources[index] else { return }
        let payload = topics[Int(index)].last.payload
        if !source.conventionDevices.isEmpty {
            let name = nodes[Int(topics[Int(index)].node.index)].name
            if let online = AvailabilityConvention.reading(payload, topicName: name) {
                source.offlineByReader[""] = online ? [] : source.conventionDevices
            }
        }
        for rule in availability.rules[source.topic] ?? [] {
            if let online = rule.reading(payload) { source.offlineByReader[rule.config] = online ? [] : [rule.stateTopic] }
        }
        availability.sources[index] = source
        resolve(index)
    }

    /// Turns what a source says into votes: each device once, the ones without a node yet kept
    /// pending, and the counts of devices that changed moved up the tree.
    private mutating func resolve(_ index: Int32) {
        guard var source = availability.sources[index] else { return }
        let broker = broker(of: topics[Int(index)].node) ?? 0
        for path in source.pendingPaths {
            availability.pendingDevices[path]?.remove(index)
            if availability.pendingDevices[path]?.isEmpty == true { availability.pendingDevices[path] = nil }
        }
        var devices: [Int32] = []
        var pending: [String] = []
        for path in Set(source.offlineByReader.values.joined()).sorted() {
            if let device = find(path, broker: broker) {
                devices.append(device.index)
            } else {
                pending.append(key(path, broker: broker))
                availability.pendingDevices[key(path, broker: broker), default: []].insert(index)
            }
        }
        let before = source.offlineNodes
        source.offlineNodes = devices
        source.pendingPaths = pending
        availability.sources[index] = source
        for device in before where !devices.contains(device) {
            guard let votes = availability.offlineVotes[device] else {
                assertionFailure("a vote that was never cast")
                continue
            }
            availability.offlineVotes[device] = votes > 1 ? votes - 1 : nil
            if votes == 1 { addToPath(from: device, \.offlineCount, -1) }
        }
        for device in devices where !before.contains(device) {
            let votes = (availability.offlineVotes[device] ?? 0) + 1
            availability.offlineVotes[device] = votes
            if votes == 1 { addToPath(from: device, \.offlineCount, 1) }
        }
    }

    /// New nodes that an offline source named before they existed: resolve those sources again.
    mutating func adoptPendingDevices(_ created: [Int32]) {
        for node in created {
            let id = NodeID(node)
            guard let sources = availability.pendingDevices.removeValue(forKey: key(topicName(of: id), broker: broker(of: id) ?? 0))
            else { continue }
            for source in sources.sorted() { resolve(source) }
        }
    }

    /// A discovery config's availability rules: watch their topics, and read them if they spoke already.
    mutating func adoptAvailabilityRules(_ rules: [AvailabilityRule]) {
        for rule in rules where !(availability.rules[key(rule.topic, broker: ingesting)]?.contains(rule) ?? false) {
            availability.rules[key(rule.topic, broker: ingesting), default: []].append(rule)
            guard let id = find(rule.topic, broker: ingesting), nodes[Int(id.index)].topic >= 0 else { continue }
            let index = nodes[Int(id.index)].topic
            if availability.sources[index] == nil {
                availability.sources[index] = AvailabilityWatch.Source(
                    topic: key(rule.topic, broker: ingesting), conventionDevices: AvailabilityConvention.devices(of: rule.topic) ?? [])
                topics[Int(index)].announcesAvailability = true
            }
            announceAvailability(index)
        }
    }

    /// A removed (or replaced) config: its rules no longer mark anything.
    mutating func forgetAvailabilityRules(_ rules: [AvailabilityRule]) {
        for rule in rules {
            let keyed = key(rule.topic, broker: ingesting)
            availability.rules[keyed]?.removeAll { $0 == rule }
            if availability.rules[keyed]?.isEmpty == true { availability.rules[keyed] = nil }
            guard let id = find(rule.topic, broker: ingesting), nodes[Int(id.index)].topic >= 0 else { continue }
            let index = nodes[Int(id.index)].topic
            availability.sources[index]?.offlineByReader[rule.config] = nil
            resolve(index)
        }
    }
}
