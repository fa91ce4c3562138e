import Foundation
import MQTTTestSupport
import Testing

/// `hearth broker` as a user runs it: passwords from a file, retained messages kept across restarts.
@Suite(.serialized, .timeLimit(.minutes(3))) struct BrokerCommandTests {
    private func launch(_ arguments: [String]) async throws -> ChildProcess {
        let broker = try ChildProcess.launch([HearthExecutable.path, "broker"] + arguments)
        try await broker.waitForOutput("listening on")
        return broker
    }

    @Test func passwordsAndPersistenceAcrossARestart() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let users = directory.appendingPathComponent("users.txt").path
        try "# user:password\nhome:sweet\n".write(toFile: users, atomically: true, encoding: .utf8)
        let store = directory.appendingPathComponent("retained.json").path
        let port = "\(LoopbackPort.free())"
        let arguments = ["--port", port, "--persist", store, "--password-file", users]

        let first = try await launch(arguments)
        #expect(first.stderr.contains("listening on 127.0.0.1:\(port)"), "\(first.stderr)")
        let publish = try await ChildProcess.run(["mosquitto_pub", "-p", port, "-u", "home", "-P", "sweet", "-r", "-t", "kept/a", "-m", "1"])
        #expect(publish.status == 0, "\(publish.stderr)")
        let refused = try await ChildProcess.run(["mosquitto_pub", "-p", port, "-u", "home", "-P", "sour", "-t", "x", "-m", "1"])
        #expect(refused.status != 0)
        kill(first.pid, SIGTERM)
        #expect(await first.wait(timeout: 20).status == 0)
        #expect(FileManager.default.fileExists(atPath: store))

        let second = try await launch(arguments)
        defer { kill(second.pid, SIGTERM) }
        let read = try await ChildProcess.run(["mosquitto_sub", "-p", port, "-u", "home", "-P", "sweet", "-t", "kept/#", "-C", "1", "-F", "%r %t %p"])
        #expect(read.stdout == "1 kept/a 1\n")
    }

    @Test func badFlagsAndBusyPortsAreOneLine() async throws {
        let busy = try await launch(["--port", "0"])
        defer { kill(busy.pid, SIGTERM) }
        let port = try #require(busy.stderr.split(separator: ":").last.map { $0.trimmingCharacters(in: .whitespacesAndNewlines) })
        for arguments in [["--port", port], ["--port", "70000"], ["--password-file", "/nonexistent/users"]] {
            let result = try await HearthExecutable.run(["broker"] + arguments, timeout: 20)
            #expect(result.status != 0, "\(arguments)")
            #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
        }
        let inUse = try await HearthExecutable.run(["broker", "--port", port], timeout: 20)
        #expect(inUse.stderr == "Error: cannot listen on 127.0.0.1:\(port): Address already in use\n", "\(inUse.stderr)")
        // Found at start, not at the first save or the stop.
        let nowhere = try await HearthExecutable.run(["broker", "--port", "0", "--persist", "/nonexistent-folder/retained.json"], timeout: 20)
        #expect(nowhere.status != 0
            && nowhere.stderr == "Error: cannot save retained messages to /nonexistent-folder/retained.json: there is no folder /nonexistent-folder\n",
            "\(nowhere.stderr)")
        // A mosquitto_passwd file would refuse every login: it is refused at start instead.
        let hashed = FileManager.default.temporaryDirectory.appendingPathComponent("hearth-passwd-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: hashed) }
        try "carol:$7$101$c2FsdA==$aGFzaA==\n".write(toFile: hashed, atomically: true, encoding: .utf8)
        let mosquittoFile = try await HearthExecutable.run(["broker", "--port", "0", "--password-file", hashed], timeout: 20)
        #expect(mosquittoFile.status != 0
            && mosquittoFile.stderr == "Error: password file line 1: a mosquitto_passwd hash; hearth broker takes plain user:password lines\n",
            "\(mosquittoFile.stderr)")
    }
}
