import Foundation

/// A payload read from a file or standard input (`hearth pub -f`, `-s`), never more than the
/// broker accepts: a file is measured before it is read, and a stream is read to one byte past
/// the limit at most.
public enum PayloadInput {
    /// Refuses a file larger than `limit` (or one that cannot be read) before reading it.
    public static func checkSize(of path: String, limit: Int) throws {
        var isFolder: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else { throw ConfigurationError("cannot read \(path): no such file") }
        guard !isFolder.boolValue else { throw ConfigurationError("cannot read \(path): it is a folder") }
        guard FileManager.default.isReadableFile(atPath: path) else { throw ConfigurationError("cannot read \(path): permission denied") }
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
              let size = (attributes[.size] as? NSNumber)?.intValue else { throw ConfigurationError("cannot read \(path)") }
        guard size <= limit else { throw tooLarge("\(path) (\(size) bytes)", limit: limit) }
    }

    /// The file's bytes, checked against `limit` first.
    public static func file(_ path: String, limit: Int) throws -> [UInt8] {
        try checkSize(of: path, limit: limit)
        guard let handle = FileHandle(forReadingAtPath: path) else { throw ConfigurationError("cannot read \(path)") }
        defer { try? handle.close() }
        guard let bytes = try read(handle, limit: limit) else { throw tooLarge(path, limit: limit) }
        return bytes
    }

    /// Everything `handle` gives, `what` naming it in the error when it is more than `limit`.
    public static func stream(_ handle: FileHandle, named what: String, limit: Int) throws -> [UInt8] {
        guard let bytes = try read(handle, limit: limit) else { throw tooLarge(what, limit: limit) }
        return bytes
    }

    /// Reads to the end, or nil as soon as more than `limit` bytes came.
    private static func read(_ handle: FileHandle, limit: Int) throws -> [UInt8]? {
        var bytes: [UInt8] = []
        while let chunk = try handle.read(upToCount: min(1 << 20, limit + 1 - bytes.count)), !chunk.isEmpty {
            bytes += chunk
            if bytes.count > limit { return nil }
        }
        return bytes
    }

    private static func tooLarge(_ what: String, limit: Int) -> ConfigurationError {
        ConfigurationError("\(what) is larger than the largest packet the broker accepts (\(limit) bytes)")
    }
}

/// Reads lines from a file handle as they come (`hearth pub -l`): one line and one read in
/// memory at a time, each line without its newline, and a last line without a newline too.
public struct LineReader {
    private let handle: FileHandle
    private let limit: Int
    private var pending: [UInt8] = []
    private var ended = false
    private var number = 0

    /// A line longer than `limit` bytes is an error naming its number.
    public init(_ handle: FileHandle, limit: Int) {
        self.handle = handle
        self.limit = limit
    }

    /// The next line; nil at the end. Blocks until a line comes.
    public mutating func next() throws -> [UInt8]? {
        while true {
            if let newline = pending.firstIndex(of: 0x0A) {
                number += 1
                defer { pending.removeSubrange(...newline) }
                return Array(pending[..<newline])
            }
            if pending.count > limit {
                throw ConfigurationError("line \(number + 1) of standard input is larger than the largest packet the broker accepts (\(limit) bytes)")
            }
            if ended {
                guard !pending.isEmpty else { return nil }
                defer { pending = [] }
                return pending
            }
            let chunk = try handle.read(upToCount: 64 * 1024) ?? Data()
            if chunk.isEmpty { ended = true } else { pending += chunk }
        }
    }
}
