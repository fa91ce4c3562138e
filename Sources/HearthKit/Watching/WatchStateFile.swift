import Foundation
import Synchronization
import Watch

/// `$XDG_STATE_HOME/hearth/watch-<name>.json`: what `hearth watch` keeps across restarts, and
/// where the dashboard leaves silences for it.
///
/// Writers take a lock beside it (`flock`), and write a new file that replaces the old one, so a
/// reader never sees half a file. Watch writes whole states; the dashboard changes silences.
/// Each learns of the other's writes by the file's identity (inode and modification time).
public final class WatchStateFile: Sendable {
    public let path: String
    /// The identity of the file as this process last wrote or read it.
    private let seen = Mutex<FileIdentity?>(nil)

    public init(path: String) {
        self.path = path
    }

    /// The state file for `name` (a profile, a group, or host-port), under `$XDG_STATE_HOME`.
    public static func path(name: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let state = environment["XDG_STATE_HOME"].flatMap { $0.isEmpty ? nil : $0 }
            ?? (environment["HOME"] ?? NSHomeDirectory()) + "/.local/state"
        let safe = name.map { $0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_" ? $0 : "-" }
        return "\(state)/hearth/watch-\(String(safe)).json"
    }

    /// The saved state; nil when there is none yet.
    /// - Throws: a one-line `ConfigurationError` when the file cannot be read or decoded.
    public func load() throws -> WatchState? {
        try locked {
            let state = try read()
            seen.withLock { $0 = FileIdentity(path: path) }
            return state
        }
    }

    /// Writes the state `build` makes; `build` is given the silences another program wrote
    /// since this one last looked (nil when none did), to take up first.
    public func save(_ build: ([WatchState.SavedSilence]?) -> WatchState) throws {
        try locked {
            let others = try isChangedByOthers() ? try read()?.silences ?? [] : nil
            try write(build(others))
        }
    }

    /// Changes the saved state in place (the dashboard's silences); returns the new state.
    @discardableResult
    public func update(_ change: (inout WatchState) -> Void) throws -> WatchState {
        try locked {
            var state = try read() ?? WatchState()
            change(&state)
            try write(state)
            return state
        }
    }

    /// The saved state, if another program changed it since this one last looked.
    public func changedByOthers() throws -> WatchState? {
        guard try isChangedByOthers() else { return nil }
        return try locked {
            let state = try read()
            seen.withLock { $0 = FileIdentity(path: path) }
            return state ?? WatchState()
        }
    }

    // MARK: Files

    private func isChangedByOthers() throws -> Bool {
        let now = FileIdentity(path: path)
        return now != nil && now != seen.withLock { $0 }
    }

    private func read() throws -> WatchState? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigurationError("state file \(path): cannot read it") }
        do {
            return try JSONDecoder().decode(WatchState.self, from: data)
        } catch {
            throw ConfigurationError("state file \(path): not a watch state (\(Self.reason(error)))")
        }
    }

    private func write(_ state: WatchState) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        do {
            let data = try encoder.encode(state)
            try data.write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            throw ConfigurationError("state file \(path): cannot write it (\(Self.reason(error)))")
        }
        seen.withLock { $0 = FileIdentity(path: path) }
    }

    /// Runs `body` holding the lock file beside the state (made with its folder if need be).
    private func locked<Result>(_ body: () throws -> Result) throws -> Result {
        let folder = (path as NSString).deletingLastPathComponent
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let descriptor = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw ConfigurationError("state file \(path): cannot lock it (\(String(cString: strerror(errno))))") }
        defer { close(descriptor) }
        flock(descriptor, LOCK_EX)
        defer { flock(descriptor, LOCK_UN) }
        return try body()
    }

    private static func reason(_ error: any Error) -> String {
        if let error = error as? DecodingError, case let .dataCorrupted(context) = error { return context.debugDescription }
        return (error as NSError).localizedDescription
    }
}

/// A file as written: its inode and modification time (a replaced file is a new inode).
private struct FileIdentity: Equatable, Sendable {
    let inode: UInt64
    let seconds: Int
    let nanoseconds: Int

    init?(path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        inode = UInt64(info.st_ino)
        seconds = info.st_mtim.tv_sec
        nanoseconds = info.st_mtim.tv_nsec
    }
}
