import Foundation
import MQTT
import Synchronization

/// A real mosquitto on free loopback ports, configured by the test, stopped when released.
///
/// ```swift
/// let broker = try Mosquitto.start(listeners: [.anonymous, .password(user: "u", password: "p")])
/// let port = broker.port(.anonymous)
/// ```
public final class Mosquitto: Sendable {
    public enum Listener: Hashable, Sendable {
        case anonymous
        case password(user: String, password: String)
        case tls
    }

    public let directory: URL
    public let ports: [Listener: Int]
    /// The CA that signed the TLS listener's certificate (when there is one).
    public var caFile: String { directory.appendingPathComponent("ca.crt").path }
    /// A CA that signed nothing here, to test that verification fails.
    public var wrongCAFile: String { directory.appendingPathComponent("wrong-ca.crt").path }
    /// The running broker process; nil once killed.
    private let process = Mutex<ChildProcess?>(nil)

    private init(directory: URL, ports: [Listener: Int]) {
        self.directory = directory
        self.ports = ports
    }

    public func port(_ listener: Listener = .anonymous) -> Int { ports[listener] ?? 0 }

    /// Runs `body` with a mosquitto started as `start` does, and kills it (awaited) however `body` ends.
    public static func with<Result>(listeners: [Listener] = [.anonymous], extraConfig: String = "",
                                    _ body: (Mosquitto) async throws -> Result) async throws -> Result {
        let broker = try await start(listeners: listeners, extraConfig: extraConfig)
        return try await withCleanup({ try await body(broker) }, cleanup: { await broker.kill() })
    }

    /// Writes a config with the given listeners (plus `extraConfig`) and starts mosquitto.
    public static func start(listeners: [Listener] = [.anonymous], extraConfig: String = "") async throws -> Mosquitto {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("hearth-mosquitto-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var ports: [Listener: Int] = [:]
        // Root in CI: keep mosquitto root so it can read the files in this private folder.
        var config = "user root\nper_listener_settings true\nmax_queued_messages 100000\nlog_dest stderr\n\(extraConfig)\n"
        for listener in listeners {
            let port = LoopbackPort.free()
            ports[listener] = port
            config += "listener \(port) 127.0.0.1\n"
            switch listener {
            case .anonymous:
                config += "allow_anonymous true\n"
            case let .password(user, password):
                let file = directory.appendingPathComponent("passwd").path
                try check(await ChildProcess.run(["mosquitto_passwd", "-b", "-c", file, user, password]), "mosquitto_passwd")
                config += "allow_anonymous false\npassword_file \(file)\n"
            case .tls:
                try await makeCertificates(in: directory)
                let dir = directory.path
                config += "allow_anonymous true\ncafile \(dir)/ca.crt\ncertfile \(dir)/server.crt\nkeyfile \(dir)/server.key\n"
            }
        }
        try config.write(to: directory.appendingPathComponent("mosquitto.conf"), atomically: true, encoding: .utf8)
        let broker = Mosquitto(directory: directory, ports: ports)
        try await broker.launch()
        return broker
    }

    /// Starts the broker process (again) on the same ports and waits until every listener accepts.
    public func launch() async throws {
        let process = try ChildProcess.launch(["mosquitto", "-c", directory.appendingPathComponent("mosquitto.conf").path])
        self.process.withLock { $0 = process }
        let deadline = Date().addingTimeInterval(10)
        while Date() < deadline {
            if ports.values.allSatisfy(LoopbackPort.isAccepting) { return }
            if !process.isRunning { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        throw TestSupportError("mosquitto did not start: \(process.stderr)")
    }

    /// Kills the broker process at once (SIGKILL), as a crash would, and waits until its ports are free.
    public func kill() async {
        guard let process = process.withLock({ process in
            defer { process = nil }
            return process
        }) else { return }
        process.signal(SIGKILL)
        _ = await process.wait()
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline, ports.values.contains(where: LoopbackPort.isAccepting) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    deinit {
        // ChildProcess kills and reaps the broker when released.
        process.withLock { $0 = nil }
        try? FileManager.default.removeItem(at: directory)
    }

    // MARK: Certificates

    /// A throwaway CA, a server certificate for localhost/127.0.0.1, and an unrelated CA.
    static func makeCertificates(in directory: URL) async throws {
        let dir = directory.path
        let ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        try check(await ChildProcess.run(["openssl", "req", "-x509"] + ec + ["-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.crt",
                                   "-days", "2", "-subj", "/CN=Hearth Test CA"]), "openssl CA")
        try check(await ChildProcess.run(["openssl", "req", "-x509"] + ec + ["-keyout", "\(dir)/wrong-ca.key", "-out",
                                   "\(dir)/wrong-ca.crt", "-days", "2", "-subj", "/CN=Unrelated CA"]), "openssl wrong CA")
        try check(await ChildProcess.run(["openssl", "req"] + ec + ["-keyout", "\(dir)/server.key", "-out", "\(dir)/server.csr",
                                   "-subj", "/CN=localhost"]), "openssl CSR")
        try "subjectAltName=DNS:localhost,IP:127.0.0.1\n".write(toFile: "\(dir)/san.ext", atomically: true, encoding: .utf8)
        try check(await ChildProcess.run(["openssl", "x509", "-req", "-in", "\(dir)/server.csr", "-CA", "\(dir)/ca.crt",
                                   "-CAkey", "\(dir)/ca.key", "-CAcreateserial", "-out", "\(dir)/server.crt",
                                   "-days", "2", "-extfile", "\(dir)/san.ext"]), "openssl sign")
    }

    private static func check(_ result: ChildProcess.Result, _ what: String) throws {
        guard result.status == 0 else { throw TestSupportError("\(what) failed: \(result.stderr)") }
    }
}

public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
