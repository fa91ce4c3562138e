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
