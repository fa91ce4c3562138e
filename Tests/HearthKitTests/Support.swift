import Foundation
import GRDB
import HearthKit
import HistoryStore
import MQTT
import Testing

/// A fresh folder for one test, removed after it.
func withFolder<Result>(_ body: (String) async throws -> Result) async throws -> Result {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-kit-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    return try await body(folder)
}

/// Each config text is refused with one line that starts as given (`config x.toml: line N: …`).
func expectOneLineErrors(_ cases: [(text: String, start: String)], sourceLocation: SourceLocation = #_sourceLocation) {
    for (text, start) in cases {
        do {
            _ = try ProfileFile.parse(text, path: "x.toml")
            Issue.record("accepted: \(text)", sourceLocation: sourceLocation)
        } catch {
            #expect("\(error)".hasPrefix(start), "\(error)", sourceLocation: sourceLocation)
            #expect(!"\(error)".contains("\n"), sourceLocation: sourceLocation)
        }
    }
}

func message(_ topic: String, _ payload: String, retain: Bool = false, at time: Double = Date().timeIntervalSince1970) -> MQTTMessage {
    MQTTMessage(topic: topic, payload: Array(payload.utf8), qos: .atLeastOnce, retain: retain, receivedAt: Date(timeIntervalSince1970: time))
}

/// Breaks a store for writing, as a full disk does for every write, and mends it: its message
/// table is renamed away by a second connection (SQLite then refuses every insert), then back.
struct StoreBreaker {
    let queue: DatabaseQueue

    init(path: String) throws {
        queue = try DatabaseQueue(path: path)
    }

    func breakWrites() throws {
        try queue.write { try $0.execute(sql: "ALTER TABLE message RENAME TO message_away") }
    }

    /// A new store at `path` whose writes fail until `mend()`.
    static func broken(at path: String) throws -> (SQLiteStore, StoreBreaker) {
        let store = try SQLiteStore(path: path)
        let breaker = try StoreBreaker(path: path)
        try breaker.breakWrites()
        return (store, breaker)
    }

    func mend() throws {
        try queue.write { try $0.execute(sql: "ALTER TABLE message_away RENAME TO message") }
    }
}

/// What a pipeline reported, in order, to be awaited one by one.
final class Reports: Sendable {
    let stream: AsyncStream<String>
    private let continuation: AsyncStream<String>.Continuation

    init() {
        (stream, continuation) = AsyncStream.makeStream()
    }

    func add(_ text: String) { continuation.yield(text) }
}
