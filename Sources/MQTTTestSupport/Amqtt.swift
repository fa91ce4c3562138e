import Foundation
import MQTT
import Synchronization

/// amqtt, a Python MQTT 3.1.1 broker with a WebSockets listener, as an outside peer for MQTT over
/// WebSockets (Debian's mosquitto cannot open one here). The test command installs it into
/// `.build/amqtt-venv`; `HEARTH_AMQTT` may name another `amqtt` executable.
public final class Amqtt: Sendable {
    public let tcpPort: Int
    public let webSocketPort: Int
    private let directory: URL
    private let process = Mutex<ChildProcess?>(nil)

    private init(directory: URL, tcpPort: Int, webSocketPort: Int) {
        self.directory = directory
        self.tcpPort = tcpPort
        self.webSocketPort = webSocketPort
    }

    /// Runs `body` with amqtt listening on loopback (TCP and WebSockets, anonymous), and kills it
    /// however `body` ends.
    public static func with<Result>(_ body: (Amqtt) async throws -> Result) async throws -> Result {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-amqtt-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let broker = Amqtt(directory: directory, tcpPort: LoopbackPort.free(), webSocketPort: LoopbackPort.free())
        let config = """
            listeners:
              default:
                type: tcp
                bind: 127.0.0.1:\(broker.tcpPort)
              ws:
                type: ws
                bind: 127.0.0.1:\(broker.webSocketPort)
            plugins:
              amqtt.plugins.authentication.AnonymousAuthPlugin:
                allow_anonymous: true
            """
        try config.write(to: directory.appendingPathComponent("amqtt.yaml"), atomically: true, encoding: .utf8)
        return try await withCleanup({
            try await broker.launch()
            return try await body(broker)
        }, cleanup: {
            await broker.kill()
            try? FileManager.default.removeItem(at: directory)
        })
    }

    /// The amqtt executable: `HEARTH_AMQTT`, else the test command's virtual environment.
    static func executable() throws -> String {
        if let path = ProcessInfo.processInfo.environment["HEARTH_AMQTT"], !path.isEmpty { return path }
        // Sources/MQTTTestSupport/Amqtt.swift → the package's root.
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let path = root.appendingPathComponent(".build/amqtt-venv/bin/amqtt").path
        guard FileManager.default.isExecutableFile(atPath: path) else {
            throw TestSupportError("amqtt is not installed at \(path) (the test command, .ci/test, installs it; or set HEARTH_AMQTT)")
        }
        return path
    }

    /// Starts amqtt (again) on the same ports, and waits until both listeners accept.
    public func launch() async throws {
        let started = try ChildProcess.launch([try Self.executable(), "-c", directory.appendingPathComponent("amqtt.yaml").path])
        process.withLock { $0 = started }
        let deadline = Date().addingTimeInterval(20)
        while Date() < deadline {
            if LoopbackPort.isAccepting(tcpPort), LoopbackPort.isAccepting(webSocketPort) { return }
            if !started.isRunning { break }
            try await Task.sleep(for: .milliseconds(50))
        }
        throw TestSupportError("amqtt did not start: \(started.stderr)")
    }

    /// Kills amqtt at once (SIGKILL), as a crash would, and waits until its ports are free.
    public func kill() async {
        guard let running = process.withLock({ process -> ChildProcess? in
            defer { process = nil }
            return process
        }) else { return }
        running.signal(SIGKILL)
        _ = await running.wait()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, LoopbackPort.isAccepting(webSocketPort) || LoopbackPort.isAccepting(tcpPort) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }
}
