#if canImport(Glibc)
import Glibc
#endif

/// One-line messages for the user on stderr, never on stdout (which may be piped) or a UI's screen.
enum Diagnostics {
    static func warn(_ message: String) {
        let line = "hearth: \(message)\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
    }
}
