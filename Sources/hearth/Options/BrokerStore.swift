import ArgumentParser
import HearthKit
import HistoryStore

/// The history store holding one broker's past, and the broker's name in it.
struct BrokerStore {
    let address: StoreAddress
    /// The broker's name in the store: its profile's, else host:port.
    let broker: String
    /// The profile that named the store: its database password, if it gives one.
    let profile: Profile?
}

extension BrokerStore {
    /// `--store`, else the profile's `store`, else the file `hearth record` writes for the
    /// broker (`$XDG_STATE_HOME/hearth/<host>-<port>.sqlite`).
    init(flag: String?, profile: Profile?, broker: String, endpoint: BrokerEndpoint) throws {
        address = try StoreAddress(parsing: flag ?? profile?.store ?? SQLiteStore.defaultPath(host: endpoint.host, port: endpoint.port))
        self.broker = broker
        self.profile = profile
    }

    /// Opens the store; a file that is not there yet is refused for reading. A database's
    /// password (the profile's file or program) is asked for only then.
    func open(readOnly: Bool) async throws -> any HistoryStorage {
        if readOnly, !address.mayExist { throw ValidationError("no history store at \(address) (hearth record writes one)") }
        guard case .postgres = address else { return try await address.open(readOnly: readOnly) }
        return try await address.open(readOnly: readOnly, password: PasswordSource.store(of: profile))
    }

    /// Opens the store for reading, runs `body`, and closes it, whatever `body` does.
    func reading<Value>(_ body: (any HistoryStorage) async throws -> Value) async throws -> Value {
        let store = try await open(readOnly: true)
        do {
            let value = try await body(store)
            await store.close()
            return value
        } catch {
            await store.close()
            throw error
        }
    }

    /// Opens the store for reading, runs `body` with it and the name to read this broker's past
    /// under (`brokerToRead`), and closes it, whatever `body` does.
    func reading<Value>(named: String? = nil, _ body: (any HistoryStorage, String) async throws -> Value) async throws -> Value {
        try await reading { store in try await body(store, brokerToRead(in: store, named: named)) }
    }

    /// The name to read: `named` (`--broker`), else this broker. A file written for one broker
    /// under another name (a profile against `-h`, or before brokers were named) is read
    /// whatever name is asked (`recordedBroker`); a database answers only to the exact name.
    ///
    /// - Throws: when the store holds brokers, and not that one: one line naming them.
    func brokerToRead(in store: any HistoryStorage, named: String?) async throws -> String {
        if named == nil, case .file = address { return try await store.recordedBroker(broker) }
        let wanted = named ?? broker
        let known = try await store.brokers()
        if !known.isEmpty, !known.contains(wanted) {
            throw StoreFailure.noSuchBroker(store: store.location, broker: wanted, known: known, named: named != nil)
        }
        return wanted
    }
}

extension BrokerAddressOptions {
    /// The store of the one broker these flags name, with its name (its profile's, else host:port).
    func store(flag: String?, tlsFlags: Bool = false, webSocketPath: String? = nil) throws -> BrokerStore {
        let profile = try profile()
        let endpoint = try endpoint(profile: profile, tlsFlags: tlsFlags, webSocketPath: webSocketPath)
        return try BrokerStore(flag: flag, profile: profile, broker: brokerName(profile: profile, endpoint: endpoint), endpoint: endpoint)
    }

    /// The name of the broker these flags name: its profile's (`-b`, or the file's default),
    /// else host:port.
    func brokerName(profile: Profile?, endpoint: BrokerEndpoint) -> String {
        profileNames.first ?? profile?.name ?? endpoint.hostAndPort
    }
}
