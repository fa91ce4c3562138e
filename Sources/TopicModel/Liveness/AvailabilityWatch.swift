/// Which devices are offline, and who said so: the model's record of availability announcements.
struct AvailabilityWatch: Sendable {
    /// The devices (nodes) each source topic currently says are offline.
    var offlineBySource: [Int32: [Int32]] = [:]
    /// How many sources say each device is offline; a device is offline while it has any.
    var offlineVotes: [Int32: Int32] = [:]
    /// Home Assistant discovery rules, by the availability topic they watch.
    var rules: [String: [AvailabilityRule]] = [:]
    /// Devices a source named before their node existed, by path, with the sources to read again
    /// once it does (Tasmota's `stat/<device>`, a discovery config's state topic).
    var pendingDevices: [String: Set<Int32>] = [:]

    var hasPendingDevices: Bool { !pendingDevices.isEmpty }

    func isOfflineDevice(_ node: Int32) -> Bool { offlineVotes[node] != nil }
}
