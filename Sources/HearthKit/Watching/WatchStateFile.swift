import Foundation
import HistoryStore
import Synchronization
import Watch

/// `$XDG_STATE_HOME/hearth/watch-<name>.json`: what `hearth watch` keeps across restarts, and
/// where the dashboard leaves silences for it.
///
/// Writers take a lock beside it (`flock`), and write a new file that replaces the old one, so a
/// reader never sees half a file. Watch writes whole states; the dashboard changes silences.
/// Each write numbers the state (`generation`): each program learns of the other's writes by a
/// number it did not write or read last (a file's time and inode can repeat within a tick).
public final class WatchStateFile: Sendable {
    public let path: String
    /// The generation of the state as this process last wrote or read it.
    private let seen = Mutex<Int?>(nil)

    public init(path: String) {
        self.path = path
    }

    /// A state file that is not a watch's state (a broken or foreign file).
    public struct Broken: Error, CustomStringConvertible {
        public let description: String
    }

    /// One `hearth watch` per state file, for as long as this value lives: two would both act
    /// and overwrite each other's state. The kernel lets go when the process ends.
    public struct Claim: ~Copyable {
        fileprivate let descriptor: Int32
        deinit { close(descriptor) }
    }

    /// Claims the state file for this watch, or says another one has it.
    public func claim() throws -> Claim {
        let descriptor = try openLock(".claim")
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw ConfigurationError("another hearth watch keeps \(path): one watch per state file (stop it, or name other brokers)")
        }
        return Claim(descriptor: descriptor)
    }

    /// The state file for `name` (a profile, a group, or host-port), under `$XDG_STATE_HOME`.
    public static func path(name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = SQLiteStore.stateFolder(environment: environment)
        let safe = name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "-" }
        return "\(state)/hearth/watch-\(String(safe)).json"
    }

    /// The saved state; nil when there is none yet.
    /// - Throws: `Broken` when the file is not a watch's state; a one-line `ConfigurationError`
    ///   when it cannot be locked or read.
    public func load() throws -> WatchState? {
        try locked {
            let state = try read()
            seen.withLock { $0 = state?.generation }
            return state
        }
    }

    /// Writes the state `build` makes; `build` is given the silences another program wrote
    /// since this one last looked (nil when none did), to take up first.
    public func save(_ build: ([WatchState.SavedSilence]?) -> WatchState) throws {
        try locked {
            let current = try read()
            let others = current.flatMap { $0.generation != seen.withLock { $0 } ? $0.silences : nil }
            try write(build(others), after: current)
        }
    }

    /// Changes the saved state in place (the dashboard's silences); returns the new state.
    @discardableResult
    public func update(_ change: (inout WatchState) -> Void) throws -> WatchState {
        try locked {
            let current = try read()
            var state = current ?? WatchState()
            change(&state)
            return try write(state, after: current)
        }
    }

    /// The saved state, if another program changed it since this one last looked.
    /// (A whole file is read without the lock: it is only ever replaced whole.)
    public func changedByOthers() throws -> WatchState? {
        guard let state = try read(), state.generation != seen.withLock({ $0 }) else { return nil }
        seen.withLock { $0 = state.generation }
        return state
    }

    // MARK: Files

    private func read() throws -> WatchState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("state file \(path): cannot read it") }
        do {
            return try JSONDecoder().decode(WatchState.self, from: data)
        } catch {
            throw Broken(description: "state file \(path): not a watch state (\(Self.reason(error)))")
        }
    }

    /// Writes `state` as the generation after `current`'s; returns it as written.
    @discardableResult
    private func write(_ state: WatchState, after current: WatchState?) throws -> WatchState {
        var state = state
        state.generation = (current?.generation ?? 0) &+ 1
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(state)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ConfigurationError("state file \(path): cannot write it (\(Self.reason(error)))")
        }
        seen.withLock { $0 = state.generation }
        return state
    }

    /// Runs `body` holding the lock file beside the state (made with its folder if need be).
    private func locked<Result>(_ body: () throws -> Result) throws -> Result {
        let descriptor = try openLock(".lock")
        defer { close(descriptor) }
        // A signal may interrupt the wait; going on without the lock is not an option.
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw ConfigurationError("state file \(path): cannot lock it (\(String(cString: strerror(errno))))") }
        }
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    /// Opens (and makes, with its folder) the file beside the state named by `suffix`.
    private func openLock(_ suffix: String) throws -> Int32 {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let descriptor = open(path + suffix, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ConfigurationError("state file \(path): cannot lock it (\(String(cString: strerror(errno))))") }
        return descriptor
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DecodingError, case let .dataCorrupted(context) = error { return context.debugDescription }
        return (error as NSError).localizedDescription
    }
}
