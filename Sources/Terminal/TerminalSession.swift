import CNcursesW
import Dashboard
import Foundation

/// The terminal, owned by one thread: start-up, drawing, input and restoring it on the way out.
///
/// Every ncurses call in Hearth is in this module and runs on the thread that made the session.
///
/// ```swift
/// let session = try TerminalSession(theme: theme)
/// defer { session.close() }
/// session.render { canvas in DashboardView.draw(frame, on: &canvas) }
/// ```
public final class TerminalSession {
    public enum Failure: Error, CustomStringConvertible {
        case notATerminal
        case unknownTerminal(String)
        /// No pipe for the wake-up (the process is out of file descriptors): why.
        case noWakeup(String)

        public var description: String {
            switch self {
            case let .noWakeup(reason): return "cannot create a pipe to wake the screen: \(reason)"
            case .notATerminal: return "the dashboard needs a terminal (use hearth sub or hearth tree in pipes and scripts)"
            case let .unknownTerminal(name): return "cannot use terminal type '\(name)' (set TERM, e.g. TERM=xterm-256color)"
            }
        }
    }

    private let screen: OpaquePointer
    private let palette: Palette
    private var closed = false
    private var paste = PasteAssembler()
    /// Asks the terminal to mark pasted text, so newlines in a paste are not Enter presses.
    private static let bracketedPasteOn = "\u{1B}[?2004h", bracketedPasteOff = "\u{1B}[?2004l"

    public init(theme: Theme, environment: [String: String] = ProcessInfo.processInfo.environment) throws {
        try Self.requireTerminal()
        setlocale(LC_ALL, "")
        // SSH sessions often arrive without LANG: in the "C" locale ncurses would print every
        // glyph as escapes. Terminals worth using are UTF-8, so take the C library's UTF-8 locale.
        if String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" { setlocale(LC_CTYPE, "C.UTF-8") }
        // Esc alone must not wait for the rest of an escape sequence for long.
        set_escdelay(25)
        guard let screen = newterm(nil, hearth_stdout(), hearth_stdin()) else { throw Failure.unknownTerminal(environment["TERM"] ?? "") }
        self.screen = screen
        raw()  // Ctrl-C, Ctrl-S and Ctrl-R arrive as keys, not as signals or flow control.
        noecho()
        nonl()
        keypad(hearth_stdscr(), true)
        nodelay(hearth_stdscr(), true)
        curs_set(0)
        // The cursor is hidden: leave it where the last change was written, rather than send
        // it back to the window's corner after every frame (8 bytes a frame).
        leaveok(hearth_stdscr(), true)
        mousemask(hearth_mouse_mask(), nil)
        mouseinterval(0)
        palette = Palette(theme: theme, environment: environment)
        Self.writeRaw(Self.bracketedPasteOn)
    }

    deinit { close() }

    /// Throws unless stdin and stdout are a terminal: callers check before connecting anywhere.
    public static func requireTerminal() throws {
        guard isatty(STDIN_FILENO) == 1, isatty(STDOUT_FILENO) == 1 else { throw Failure.notATerminal }
    }

    /// Restores the terminal. Safe to call more than once.
    public func close() {
        guard !closed else { return }
        closed = true
        Self.writeRaw(Self.bracketedPasteOff)
        // A terminal without an alternate screen (TERM=linux) would keep the last frame under
        // the prompt: it is cleared first (on one with it, the clear is thrown away with it).
        werase(hearth_stdscr())
        wrefresh(hearth_stdscr())
        endwin()
        delscreen(screen)
    }

    public var width: Int { Int(getmaxx(hearth_stdscr())) }
    public var height: Int { Int(getmaxy(hearth_stdscr())) }

    /// Colour depth as detected, for the help text and tests: "none", "8", "256", "direct".
    public var colorDescription: String {
        switch palette.depth {
        case .none: return "none"
        case let .palette(count): return "\(count)"
        case .direct: return "direct"
        }
    }

    /// Draws a frame into ncurses' buffer and sends the difference to the terminal.
    public func render(_ draw: (inout NcursesCanvas) -> Void) {
        var canvas = NcursesCanvas(window: hearth_stdscr(), width: width, height: height, palette: palette)
        draw(&canvas)
        wnoutrefresh(hearth_stdscr())
        doupdate()
    }

    /// Takes the terminal's new size after SIGWINCH (the program watches the signal itself, so
    /// that the UI thread is woken wherever it was delivered).
    public func adoptWindowSize() {
        var size = winsize()
        guard ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_row > 0, size.ws_col > 0 else { return }
        resizeterm(Int32(size.ws_row), Int32(size.ws_col))
    }

    /// Waits until a key, a wake-up or the timeout (nil: forever); returns whether the wake-up fired.
    public func wait(timeout: Double?, wakeup: Wakeup) -> Bool {
        var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                   pollfd(fd: wakeup.readFD, events: Int16(POLLIN), revents: 0)]
        let milliseconds = timeout.map { Int32(max(0, min($0, 3600)) * 1000) } ?? -1
        _ = poll(&fds, 2, milliseconds)
        return wakeup.drain()
    }

    /// Every key waiting, without blocking.
    public func pendingKeys() -> [Key] {
        var keys: [Key] = []
        var code: wint_t = 0
        while keys.count < 4096 {
            let status = wget_wch(hearth_stdscr(), &code)
            if status == ERR { break }
            if let key = KeyDecoder.key(status: status, code: code) { keys.append(key) }
        }
        return paste.assemble(keys, now: Double(DispatchTime.now().uptimeNanoseconds) / 1e9)
    }

    /// Puts text on the clipboard of the user's terminal with OSC 52 (works over SSH and in tmux
    /// with set-clipboard on).
    public func copyToClipboard(_ text: String) {
        let encoded = Data(text.utf8.prefix(100_000)).base64EncodedString()
        Self.writeRaw("\u{1B}]52;c;\(encoded)\u{07}")
    }

    /// Sends a control sequence ncurses does not know about, between its own writes.
    private static func writeRaw(_ sequence: String) {
        fflush(nil)
        _ = sequence.withCString { write(STDOUT_FILENO, $0, strlen($0)) }
    }
}
