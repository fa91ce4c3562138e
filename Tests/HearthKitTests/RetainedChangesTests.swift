import Foundation
import HearthKit
import HistoryStore
import Testing

@Suite(.timeLimit(.minutes(1)))
struct RetainedChangesTests {
    @Test func setChangedAndClearedFromTheRecordedMessages() async throws {
        try await withFolder { folder in
            let store = try SQLiteStore(path: folder + "/home.sqlite")
            try await store.write([
                message("home/door", "closed", retain: true, at: 1), message("home/door", "closed", retain: true, at: 2),
                message("home/door", "open", at: 3), message("home/door", "open", retain: true, at: 4),
                message("home/door", "", retain: true, at: 5), message("home/door", "closed", retain: true, at: 6),
            ], broker: "home")
            let changes = RetainedChanges.of(try await store.messages(broker: "home", topic: "home/door", since: 0))
            #expect(changes.map(\.1) == [.set, .changed, .cleared, .set])
            #expect(changes.map(\.0.time) == [1, 4, 5, 6])
        }
    }
}
