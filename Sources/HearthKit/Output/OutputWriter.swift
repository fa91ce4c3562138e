#if canImport(Glibc)
import Glibc
#endif

/// Buffered writes to a file descriptor: one syscall per batch of messages, not one per message.
public struct OutputWriter {
    private let fd: Int32
    private var buffer: [UInt8] = []
    private let flushThreshold = 64 * 1024
    /// Whether the descriptor is a terminal (then broker bytes are escaped before printing).
    public let isTerminal: Bool

    public init(fd: Int32) {
        self.fd = fd
        self.isTerminal = isatty(fd) == 1
        buffer.reserveCapacity(flushThreshold * 2)
    }

    /// Whether a full buffer is written out at once, even within a line. Writers that share a
    /// descriptor turn it off and flush whole lines themselves (see `isFull`).
    public var flushesWhenFull = true

    /// Whether the buffer reached the size at which it is written out.
    public var isFull: Bool { buffer.count >= flushThreshold }

    public mutating func write(_ bytes: some Sequence<UInt8>) {
        buffer.append(contentsOf: bytes)
        if flushesWhenFull, buffer.count >= flushThreshold { flush() }
    }

    public mutating func write(_ string: String) { write(string.utf8) }

    public mutating func flush() {
        var offset = 0
        while offset < buffer.count {
            let written = buffer.withUnsafeBytes { raw in
                Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                break  // A closed pipe: nothing more can be written.
            }
            offset += written
        }
        buffer.removeAll(keepingCapacity: true)
    }
}
