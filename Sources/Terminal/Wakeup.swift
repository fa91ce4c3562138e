import Foundation
import Synchronization

/// Wakes the UI thread from `poll` when something happened elsewhere (messages ingested, a
/// publish answered, a signal). Many signals before the UI looks cost one byte in a pipe.
public final class Wakeup: Sendable {
    let readFD: Int32
    private let writeFD: Int32
    private let pending = Atomic<Bool>(false)

    /// - Throws: `TerminalSession.Failure.noWakeup` when no pipe can be made (the process is out of file descriptors).
    public init() throws {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else {
            throw TerminalSession.Failure.noWakeup(String(cString: strerror(errno)))
        }
        readFD = fds[0]
        writeFD = fds[1]
        for fd in fds { _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) }
    }

    deinit {
        close(readFD)
        close(writeFD)
    }

    /// Callable from any thread.
    public func signal() {
        guard !pending.exchange(true, ordering: .acquiringAndReleasing) else { return }
        var byte: UInt8 = 1
        _ = write(writeFD, &byte, 1)
    }

    /// Empties the pipe; returns whether a signal was pending.
    func drain() -> Bool {
        var buffer = [UInt8](repeating: 0, count: 64)
        while read(readFD, &buffer, buffer.count) > 0 {}
        return pending.exchange(false, ordering: .acquiringAndReleasing)
    }
}
