/// Which devices are offline, and who said so: the model's record of availability announcements.
struct AvailabilityWatch: Sendable {
    /// One availability topic: what its name and the discovery rules watching it say.
    struct Source: Sendable {
        /// The topic's full name.
        let topic: String
        /// The devices its name describes (its parent, and Tasmota's `stat` twin), as paths.
        let conventionDevices: [String]
        /// What each reader last said is offline, as device paths: "" for the naming convention,
        /// else the discovery config whose rule it is. A payload a reader cannot read changes
        /// nothing of its own.
        var offlineByReader: [String: [String]] = [:]
        /// The devices it says are offline, resolved to nodes (what the votes count).
        var offlineNodes: [Int32] = []
        /// The device paths it names that have no node yet.
        var pendingPaths: [String] = []
    }

    /// Availability topics, by topic record index.
    var sources: [Int32: Source] = [:]
    /// How many sources say each device is offline; a device is offline while it has any.
    var offlineVotes: [Int32: Int32] = [:]
    /// Home Assistant discovery rules, by the availability topic they watch.
    var rules: [String: [AvailabilityRule]] = [:]
    /// Device paths an offline source named before their node existed, with the sources naming
    /// them (Tasmota's `stat/<device>`, a discovery config's state topic). Only what a source
    /// currently says is offline is kept here.
    var pendingDevices: [String: Set<Int32>] = [:]

    var hasPendingDevices: Bool { !pendingDevices.isEmpty }

    func isOfflineDevice(_ node: Int32) -> Bool { offlineVotes[node] != nil }
}
