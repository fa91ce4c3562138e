import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A helper program run by a test (openssl, mosquitto, mosquitto_sub, hearth), with its output in files.
///
/// posix_spawn and waitpid rather than Foundation's Process: waiting polls with `Task.sleep`, so a
/// test waiting on a child never blocks a thread of the small cooperative pool.
///
/// The child gets stdin, stdout and stderr and nothing else: every other descriptor of the test
/// process (sockets of tests running meanwhile among them) is closed in it, so a child never
/// holds another test's port.
public final class ChildProcess: Sendable {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: String
        public var stderr: String
    }

    public let pid: pid_t
    private let directory: URL
    /// Set once `waitpid` has reaped the child.
    private let exitStatus = Mutex<Int32?>(nil)

    private init(pid: pid_t, directory: URL) {
        self.pid = pid
        self.directory = directory
    }

    /// Starts `arguments` (the program is looked up on PATH), with `input` as its stdin.
    public static func launch(_ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:]) throws -> ChildProcess {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-child-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let stdinPath = directory.appendingPathComponent("stdin").path
        try Data(input).write(to: URL(fileURLWithPath: stdinPath))
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, stdinPath, O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, directory.appendingPathComponent("stdout").path,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_addopen(&actions, 2, directory.appendingPathComponent("stderr").path,
                                         O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        closeInheritedDescriptors(&actions)
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let argv = arguments.map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            argv.forEach { free($0) }
            envp.forEach { free($0) }
        }
        // The child starts with no blocked signals and default handlers: the test runner's threads
        // block some (SIGALRM, which mosquitto_sub -W needs), and a spawned child would inherit that.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t(), all = sigset_t()
        sigemptyset(&none)
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        var pid: pid_t = 0
        let result = posix_spawnp(&pid, arguments[0], &actions, &attributes, argv, envp)
        guard result == 0 else {
            throw TestSupportError("cannot start \(arguments[0]): \(String(cString: strerror(result)))")
        }
        return ChildProcess(pid: pid, directory: directory)
    }

    /// glibc's `posix_spawn_file_actions_addclosefrom_np` (2.34 and later), which the Glibc module
    /// does not declare: found at run time.
    private typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
    private static let addCloseFrom: AddCloseFrom? = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
        .map { unsafeBitCast($0, to: AddCloseFrom.self) }

    /// Closes every descriptor above stderr in the child. Without closefrom (an older glibc) the
    /// probes of `LoopbackPort` are still close-on-exec.
    private static func closeInheritedDescriptors(_ actions: inout posix_spawn_file_actions_t) {
        _ = addCloseFrom?(&actions, 3)
    }

    /// Runs to completion and returns the output; killed after `timeout` seconds.
    @discardableResult
    public static func run(_ arguments: [String], input: [UInt8] = [], environment: [String: String] = [:],
                           timeout: Double = 60) async throws -> Result {
        let child = try launch(arguments, input: input, environment: environment)
        return await child.wait(timeout: timeout)
    }

    /// The exit status, or nil while it runs.
    public var status: Int32? {
        exitStatus.withLock { exitStatus in
            if let exitStatus { return exitStatus }
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid {
                // Exit code, or 128 + signal like a shell.
                exitStatus = (raw & 0x7F) == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
            }
            return exitStatus
        }
    }

    public var isRunning: Bool { status == nil }

    /// Waits for exit (sending SIGKILL after `timeout` seconds) and returns the output.
    public func wait(timeout: Double = 60) async -> Result {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() > deadline { signal(SIGKILL) }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return Result(status: status ?? -1, stdout: stdout, stderr: stderr)
    }

    public func signal(_ signal: Int32) {
        if isRunning { kill(pid, signal) }
    }

    /// Waits until `text` shows in stdout or stderr; throws, with both, when the process ended
    /// or `seconds` passed without it.
    public func waitForOutput(_ text: String, seconds: Double = 20) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while !stdout.contains(text), !stderr.contains(text) {
            guard isRunning, Date() < deadline else {
                throw TestSupportError("no '\(text)' in the output of \(pid): \(stdout) \(stderr)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
    }

    /// Waits until `condition` holds on stdout, or the process ended, or `seconds` passed;
    /// returns stdout either way (the caller asserts on it).
    @discardableResult
    public func waitForStdout(seconds: Double = 20, _ condition: (String) -> Bool) async -> String {
        let deadline = Date().addingTimeInterval(seconds)
        var text = stdout
        while !condition(text), isRunning, Date() < deadline {
            try? await Task.sleep(for: .milliseconds(10))
            text = stdout
        }
        return stdout
    }

    public var stdout: String { read("stdout") }
    public var stderr: String { read("stderr") }

    /// What the child wrote, ill-formed UTF-8 shown as U+FFFD (a binary payload must not empty it).
    private func read(_ name: String) -> String {
        (try? Data(contentsOf: directory.appendingPathComponent(name))).map { String(decoding: $0, as: UTF8.self) } ?? ""
    }

    deinit {
        if status == nil {
            kill(pid, SIGKILL)
            var raw: Int32 = 0
            waitpid(pid, &raw, 0)
        }
        try? FileManager.default.removeItem(at: directory)
    }
}
