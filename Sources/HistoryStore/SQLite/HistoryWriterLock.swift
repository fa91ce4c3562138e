import Foundation

/// The claim of a store's one writer: an exclusive lock on `<store>-writer.lock`, held while
/// this value lives. The kernel releases it when the process ends, `kill -9` included, so a
/// crashed writer never leaves a store locked.
public final class HistoryWriterLock: Sendable {
    private let descriptor: Int32

    /// Claims the store at `path`, or throws `anotherWriter` while another process holds it
    /// (readers need no claim).
    public init(path: String) throws(StoreFailure) {
        let lockPath = path + "-writer.lock"
        // Claimed before the store is created, so the store's folder may not exist yet.
        let folder = (path as NSString).deletingLastPathComponent
        if !folder.isEmpty { try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true) }
        let descriptor = open(lockPath, O_CREAT | O_RDWR | O_CLOEXEC, 0o644)
        guard descriptor >= 0 else { throw .cannotOpen(store: lockPath, reason: String(cString: strerror(errno))) }
        guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
            close(descriptor)
            throw .anotherWriter(store: path)
        }
        self.descriptor = descriptor
    }

    deinit { close(descriptor) }
}
