import ArgumentParser
import Foundation
import HearthKit
import HistoryStore
import MQTT
import Watch

/// What `watch` and `check` watch: the brokers the flags name, the rules of `config.toml` for
/// them (the global ones and each profile's), and what each broker subscribes to.
struct WatchedBrokers {
    let brokers: [NamedBroker]
    /// Each broker's profile (its rules apply to it), nil for a broker named by -L or -h.
    let profiles: [String?]
    let rules: [Rule]
    /// The one profile or group the flags give, if they give one.
    private let given: String?

    /// - Parameters:
    ///   - only: rule names to keep (`check --rule`); all when empty.
    ///   - requireRules: whether having none is an error (it is not for the dashboard).
    init(connection: ConnectionOptions, only: [String] = [], requireRules: Bool = true) throws {
        brokers = try connection.brokers()
        profiles = try brokers.map { try $0.options.address.profile()?.name }
        let file = try ProfileFile.load()
        var rules = file?.rules(for: profiles.compactMap { $0 }) ?? []
        guard !rules.isEmpty || !requireRules else {
            throw ValidationError("no rules for \(brokers.map(\.name).joined(separator: ", ")): add [[rules]] to \(ProfileFile.defaultPath()) (hearth watch --help shows one)")
        }
        if !only.isEmpty {
            for name in only where !rules.contains(where: { $0.name == name }) {
                throw ValidationError("no rule '\(name)' for these brokers (known: \(rules.map(\.name).joined(separator: ", ")))")
            }
            rules = rules.filter { only.contains($0.name) }
        }
        self.rules = rules
        let named = connection.address.profileNames
        given = named.count == 1 ? named[0] : nil
    }

    /// Each broker as events name it: its profile (the default one too), else host:port.
    var names: [String] { zip(profiles, brokers).map { $0 ?? $1.name } }

    /// What names the state file: the profile or group given, else the brokers' names.
    var stateName: String { given ?? names.joined(separator: "+") }

    func engine() -> RuleEngine {
        RuleEngine(rules: rules, brokers: names, profiles: profiles)
    }

    /// What broker `index` subscribes to: its rules' filters, each message once.
    func filters(of index: Int) -> [String] {
        MQTTTopic.withoutCovered(rules.filter { $0.applies(toProfile: profiles[index]) }.map(\.filter))
    }

    /// A session per broker, on its rules' filters.
    func sessions(reconnect: MQTTReconnectPolicy = MQTTReconnectPolicy()) throws -> [Session] {
        try brokers.indices.map { index in
            let configuration = try brokers[index].options.makeConfiguration(reconnect: reconnect)
            return Session(configuration: configuration, filters: filters(of: index), qos: .atMostOnce, retainAsPublished: true,
                           warn: { Diagnostics.warn("\(names[index]): \($0)") })
        }
    }

    /// Reads each broker's recorded past into `watcher` (`store` for a single broker, else each
    /// broker's default store), saying where it came from, or that there was none (unless `quiet`).
    /// Returns whether every broker's past was read.
    @discardableResult
    func seed(_ watcher: Watcher, store: String?, quiet: Bool = false) async throws -> Bool {
        if store != nil, brokers.count > 1 { throw ValidationError("--store names one broker's history; with several, each reads its own") }
        let say: (String) -> Void = quiet ? { _ in } : { Diagnostics.warn($0) }
        let now = Date().timeIntervalSince1970
        var readEvery = true
        for index in brokers.indices {
            let place = try brokers[index].options.store(flag: store)
            let prefix = brokers.count > 1 ? "\(names[index]): " : ""
            guard place.address.mayExist else {
                say("\(prefix)no history at \(place.address) (hearth record keeps one): learning each topic from live traffic")
                readEvery = false
                continue
            }
            do {
                let past = try await place.reading { store, broker in
                    try await RecordedPast.read(from: store, broker: broker, now: now) { topic in
                        rules.contains { $0.applies(toProfile: profiles[index]) && MQTTTopic.matches(filter: $0.filter, topic: topic) }
                    }
                }
                await watcher.seed(past, broker: index, now: now)
                say("\(prefix)read the past of \(past.count) topic\(past.count == 1 ? "" : "s") from \(place.address)")
            } catch {
                say("\(prefix)\(error): learning each topic from live traffic")
                readEvery = false
            }
        }
        return readEvery
    }
}
