import MQTT

/// Who subscribed with one filter: sessions on their own, and shared subscription groups
/// (`$share/group/filter`), each of which gets a message once, through one member.
struct Subscribers {
    /// One session's subscription, with its 5.0 Subscription Identifier.
    struct Entry {
        var subscription: MQTTSubscription
        var identifier: Int?
    }

    /// By client id.
    var direct: [String: Entry] = [:]
    /// By group name.
    var shared: [String: SharedGroup] = [:]

    var isEmpty: Bool { direct.isEmpty && shared.isEmpty }
}

/// A shared subscription group's members, in the order they joined: messages go to them in
/// turn, skipping members that are not connected while one is.
final class SharedGroup {
    private(set) var members: [(clientID: String, entry: Subscribers.Entry)] = []
    private var next = 0

    func set(_ clientID: String, _ entry: Subscribers.Entry) {
        if let index = members.firstIndex(where: { $0.clientID == clientID }) {
            members[index].entry = entry
        } else {
            members.append((clientID, entry))
        }
    }

    func remove(_ clientID: String) {
        members.removeAll { $0.clientID == clientID }
    }

    /// The member whose turn it is.
    func pick(isConnected: (String) -> Bool) -> (clientID: String, entry: Subscribers.Entry)? {
        guard !members.isEmpty else { return nil }
        for offset in 0..<members.count {
            let index = (next + offset) % members.count
            if isConnected(members[index].clientID) {
                next = index + 1
                return members[index]
            }
        }
        // Nobody connected: the next member's session queues it (QoS 1 and 2).
        defer { next += 1 }
        return members[next % members.count]
    }
}

/// A filter as a SUBSCRIBE gives it: plain, or shared (`$share/group/filter`).
struct SubscribedFilter {
    /// The filter messages are matched with.
    let filter: String
    /// The shared subscription group, if any.
    let group: String?

    /// Nil for a malformed shared subscription: an empty group, a wildcard or a missing filter.
    init?(_ text: String) {
        guard text.hasPrefix("$share/") else {
            filter = text
            group = nil
            return
        }
        let rest = text.dropFirst("$share/".count)
        guard let slash = rest.firstIndex(of: "/") else { return nil }
        let group = rest[..<slash], filter = rest[rest.index(after: slash)...]
        guard !group.isEmpty, !group.contains("+"), !group.contains("#"), !filter.isEmpty else { return nil }
        self.filter = String(filter)
        self.group = String(group)
    }
}
