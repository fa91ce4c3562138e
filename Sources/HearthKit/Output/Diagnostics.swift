#if canImport(Glibc)
import Glibc
import TextFormat
#endif

/// One-line messages for the user on stderr, never on stdout (which may be piped) or a UI's screen.
/// They may quote the broker (a reason string, a topic), so control bytes are escaped.
public enum Diagnostics {
    /// "hearth: ..." for something worth knowing that does not stop the command.
    public static func warn(_ message: String) {
        line("hearth: \(message)")
    }

    /// "Error: ..." for what ends the command.
    public static func error(_ message: String) {
        line("Error: \(message)")
    }

    private static func line(_ text: String) {
        let line = TerminalEscaping.escaped(Array(text.utf8), keepNewlines: false) + "\n"
        _ = line.utf8CString.withUnsafeBufferPointer { write(STDERR_FILENO, $0.baseAddress, $0.count - 1) }
    }
}
