import Dispatch
import Foundation

/// A profile's `password_command`: run without a shell (through `env`, which finds it on the
/// PATH), with a time limit; the first line it prints is the password.
public enum PasswordCommand {
    public static let timeLimit = 10

    public static func run(_ command: [String], profile: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        let output = Pipe()
        process.standardOutput = output
        process.standardInput = FileHandle.nullDevice
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        let failed = "password_command of profile '\(profile)' (\(command.joined(separator: " ")))"
        do {
            try process.run()
        } catch {
            throw ConfigurationError("\(failed) could not start: \(error.localizedDescription)")
        }
        // A password is one line: a command that fills the pipe (64 KiB) is stopped at the limit.
        guard exited.wait(timeout: .now() + .seconds(timeLimit)) == .success else {
            process.terminate()
            throw ConfigurationError("\(failed) did not finish within \(timeLimit) s")
        }
        guard process.terminationStatus == 0 else { throw ConfigurationError("\(failed) failed with status \(process.terminationStatus)") }
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        guard let line = text.split(separator: "\n", omittingEmptySubsequences: false).first, !line.isEmpty else {
            throw ConfigurationError("\(failed) printed nothing")
        }
        return String(line)
    }
}
