import Foundation

/// Hearth's own resident memory, for the header: a user watching for days sees it stay flat.
enum ResidentMemory {
    /// Resident bytes from `/proc/self/statm` (its second field, in pages); nil where there is none.
    static func bytes() -> Int? {
        guard let text = try? String(contentsOfFile: "/proc/self/statm", encoding: .ascii) else { return nil }
        let fields = text.split(separator: " ")
        guard fields.count > 1, let pages = Int(fields[1]) else { return nil }
        return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
    }
}
