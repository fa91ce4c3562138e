import Foundation

/// Reads lines from a file handle as they come (`hearth pub -l`): each line without its newline,
/// and a last line without a newline too. At most one line and one read are held: a line longer
/// than `limit` is an error naming its number, and each byte is looked at once.
///
/// `next()` blocks until a line comes; `hearth pub -l` has nothing else to do meanwhile.
public struct LineReader {
    private let handle: FileHandle
    private let limit: Int
    private var buffer: [UInt8] = []
    /// Where the next line starts in `buffer`, and how far a newline was looked for.
    private var start = 0
    private var searched = 0
    private var ended = false
    private var number = 0

    public init(_ handle: FileHandle, limit: Int) {
        self.handle = handle
        self.limit = limit
    }

    /// The next line; nil at the end.
    public mutating func next() throws -> [UInt8]? {
        while true {
            if let newline = buffer[searched...].firstIndex(of: 0x0A) {
                let line = Array(buffer[start..<newline])
                start = newline + 1
                searched = start
                number += 1
                try check(line.count, line: number)
                return line
            }
            searched = buffer.count
            try check(buffer.count - start, line: number + 1)
            if ended {
                guard start < buffer.count else { return nil }
                defer { start = buffer.count }
                return Array(buffer[start...])
            }
            // What was taken goes before reading more: the buffer holds one line and one read.
            if start > 0 {
                buffer.removeSubrange(..<start)
                searched -= start
                start = 0
            }
            let chunk = try handle.read(upToCount: 64 * 1024) ?? Data()
            if chunk.isEmpty { ended = true } else { buffer += chunk }
        }
    }

    private func check(_ length: Int, line: Int) throws {
        guard length > limit else { return }
        throw ConfigurationError("line \(line) of standard input is larger than the largest packet the broker accepts (\(limit) bytes)")
    }
}
