import Foundation

/// Inside tmux, OSC 52 reaches the terminal's clipboard only with `set-clipboard on` (tmux's
/// default, `external`, keeps it from applications): `y` says so.
enum TmuxClipboard {
    /// The note for the footer, or nil outside tmux or when tmux passes the clipboard on.
    static func note(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard environment["TMUX"] != nil, let setting = setting() else { return nil }
        return setting == "on" ? nil : "tmux needs: set -g set-clipboard on"
    }

    /// `tmux show-options -gv set-clipboard`, or nil when tmux cannot be asked within a second.
    private static func setting() -> String? {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["tmux", "show-options", "-gv", "set-clipboard"]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        let done = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in done.signal() }
        guard (try? process.run()) != nil else { return nil }
        guard done.wait(timeout: .now() + 1) == .success || !process.isRunning else {
            process.terminate()
            return nil
        }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
