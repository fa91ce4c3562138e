import Foundation

/// Polls `condition` until it holds; throws, naming `what`, once `seconds` pass without it.
/// A deadline for a condition, not a timing assertion.
public func waitUntil(_ what: String, seconds: Double = 20, _ condition: () -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while !condition() {
        guard Date() < deadline else { throw TestSupportError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(20))
    }
}


/// `waitUntil` for a condition that itself waits (a child process, a query), polled every
/// 100 ms.
public func waitUntil(_ what: String, seconds: Double = 30, _ condition: () async throws -> Bool) async throws {
    let deadline = Date().addingTimeInterval(seconds)
    while try await !condition() {
        guard Date() < deadline else { throw TestSupportError("timed out waiting for \(what)") }
        try await Task.sleep(for: .milliseconds(100))
    }
}
