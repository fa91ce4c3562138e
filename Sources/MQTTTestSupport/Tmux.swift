import Foundation
import MQTT

/// A program running in a detached tmux session of a given size: keys in, screen text out.
///
/// Each session has its own tmux server socket, so tests never touch the user's tmux.
public final class Tmux: Sendable {
    public let socket: String

    private init(socket: String) { self.socket = socket }

    /// Runs `body` with a session started as `start` does, and kills it (awaited) however `body` ends.
    public static func with<Result>(_ command: String, width: Int, height: Int, environment: [String: String] = [:],
                                    _ body: (Tmux) async throws -> Result) async throws -> Result {
        let tmux = try await start(command, width: width, height: height, environment: environment)
        return try await withCleanup({ try await body(tmux) }, cleanup: { await tmux.kill() })
    }

    /// Starts `command` (a shell command line) in a `width` x `height` window. When the command
    /// ends, the pane prints `EXITED <status>` and stays open for inspection.
    public static func start(_ command: String, width: Int, height: Int, environment: [String: String] = [:]) async throws -> Tmux {
        let tmux = Tmux(socket: "hearth-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))")
        let exports = environment.map { "export \($0.key)='\($0.value)'; " }.joined()
        let script = "\(exports)\(command); echo EXITED $?; sleep 600"
        try await tmux.run(["new-session", "-d", "-x", "\(width)", "-y", "\(height)", "sh", "-c", script])
        return tmux
    }

    /// Sends tmux key names ("Enter", "C-r", "Escape", "j").
    public func keys(_ names: String...) async throws {
        try await run(["send-keys", "-t", "0"] + names)
    }

    /// Types text literally.
    public func type(_ text: String) async throws {
        try await run(["send-keys", "-t", "0", "-l", text])
    }

    /// Pastes text the way a terminal does when the program asked for bracketed paste.
    public func paste(_ text: String) async throws {
        try await run(["set-buffer", "--", text])
        try await run(["paste-buffer", "-p", "-t", "0"])
    }

    /// The screen as text (with `escapes`, with colour and attribute escapes).
    public func screen(escapes: Bool = false) async throws -> String {
        try await run(["capture-pane", "-p", "-t", "0"] + (escapes ? ["-e"] : [])).stdout
    }

    /// Polls the screen until `condition` holds on a settled screen; returns the last screen
    /// either way (the caller asserts on it). A deadline, not a timing assertion.
    ///
    /// Settled: the same on two captures in a row. tmux may take in a large frame in pieces, and
    /// a capture between them shows the top of the new frame over the bottom of the old one.
    @discardableResult
    public func waitFor(seconds: Double = 20, _ condition: (String) -> Bool) async throws -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var text = try await screen()
        while Date() < deadline {
            if condition(text) {
                try await Task.sleep(for: .milliseconds(30))
                let again = try await screen()
                if again == text { return text }
                text = again
                continue
            }
            try await Task.sleep(for: .milliseconds(50))
            text = try await screen()
        }
        return text
    }

    public func resize(width: Int, height: Int) async throws {
        try await run(["resize-window", "-t", "0", "-x", "\(width)", "-y", "\(height)"])
    }

    /// A format variable of the pane, e.g. "alternate_on" or "pane_pid".
    public func display(_ variable: String) async throws -> String {
        try await run(["display-message", "-p", "-t", "0", "#{\(variable)}"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func kill() async {
        _ = try? await run(["kill-server"])
    }

    @discardableResult
    private func run(_ arguments: [String]) async throws -> ChildProcess.Result {
        let result = try await ChildProcess.run(["tmux", "-L", socket] + arguments)
        guard result.status == 0 else { throw TestSupportError("tmux \(arguments.first ?? ""): \(result.stderr)") }
        return result
    }
}
