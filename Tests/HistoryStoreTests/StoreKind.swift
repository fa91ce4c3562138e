import Foundation
import HistoryStore
import MQTT
import MQTTTestSupport
import PostgresHistory
import Testing

/// The two stores every test of store behaviour runs against: a SQLite file in a temporary
/// folder, and a database of its own in a throwaway PostgreSQL cluster.
enum StoreKind: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite, postgres

    var testDescription: String { rawValue }

    /// An empty store of this kind: the writer, and how to open it again (for reading, or as a
    /// second writer).
    struct Fresh: Sendable {
        let store: any HistoryStorage
        let open: @Sendable (_ readOnly: Bool) async throws -> any HistoryStorage
    }

    /// Runs `body` on a fresh store, then closes it and removes what it made.
    func withStore<Result>(_ body: (Fresh) async throws -> Result) async throws -> Result {
        switch self {
        case .sqlite:
            let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-store-\(UUID().uuidString)").path
            defer { try? FileManager.default.removeItem(atPath: folder) }
            let path = folder + "/home.sqlite"
            let fresh = Fresh(store: try SQLiteStore(path: path)) { readOnly in try SQLiteStore(path: path, readOnly: readOnly) }
            return try await body(fresh)
        case .postgres:
            let url = try PostgresURL(parsing: try await PostgresCluster.shared.freshDatabase())
            let store = try await PostgresStore(url: url, password: nil)
            let fresh = Fresh(store: store) { readOnly in try await PostgresStore(url: url, password: nil, readOnly: readOnly) }
            do {
                let result = try await body(fresh)
                await store.close()
                return result
            } catch {
                await store.close()
                throw error
            }
        }
    }

    /// Marks the store as written by a newer Hearth (a migration this version does not know).
    func markNewer(_ store: any HistoryStorage) async throws {
        if let store = store as? SQLiteStore { try store.markAppliedForTesting("v99") }
        if let store = store as? PostgresStore { try await store.markAppliedForTesting(99) }
    }
}

func message(_ topic: String, _ payload: String, at time: Double, retain: Bool = false) -> MQTTMessage {
    MQTTMessage(topic: topic, payload: Array(payload.utf8), qos: .atLeastOnce, retain: retain, receivedAt: Date(timeIntervalSince1970: time))
}
