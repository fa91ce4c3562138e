import ArgumentParser
import HearthKit
import Foundation
import MQTTBroker

/// `hearth broker`: the embedded MQTT broker on its own, until SIGINT or SIGTERM.
struct BrokerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "broker",
        abstract: "Run Hearth's embedded MQTT broker (3.1.1 and 5.0) until interrupted.",
        discussion: """
            It listens on loopback unless told otherwise. Examples:
              hearth broker                                   # 127.0.0.1:1883
              hearth broker --port 1884 --persist retained.json
              hearth broker --bind 0.0.0.0 --password-file users.txt   # lines of user:password
            """,
        helpNames: [.long])

    @Option(name: .long, help: "Port to listen on (0: any free port).")
    var port = 1883

    @Option(name: .customLong("ws-port"), help: "Also listen for MQTT over WebSockets on this port, at /mqtt (0: any free port).")
    var webSocketPort: Int?

    @Option(name: .long, help: "Address to listen on.")
    var bind = "127.0.0.1"

    @Option(name: .customLong("password-file"), help: "File of user:password lines; without it, anyone may connect.")
    var passwordFile: String?

    @Option(name: .long, help: "Keep retained messages in this file across restarts.")
    var persist: String?

    func validate() throws {
        guard (0...65535).contains(port) else { throw ValidationError("--port must be 0 to 65535") }
    }

    func run() async throws {
        let broker = MQTTBroker(configuration: try makeConfiguration())
        let bound = try await broker.start()
        Diagnostics.warn("broker listening on \(bind):\(bound)" + (broker.webSocketPort.map { ", WebSockets on \(bind):\($0)/mqtt" } ?? ""))
        await StopSignal.wait()
        await broker.stop()
    }

    func makeConfiguration() throws -> BrokerConfiguration {
        var configuration = BrokerConfiguration(host: bind, port: port)
        if let passwordFile {
            guard let text = try? String(contentsOfFile: passwordFile, encoding: .utf8) else {
                throw ValidationError("cannot read password file \(passwordFile)")
            }
            configuration.users = try BrokerConfiguration.users(fromFile: text)
        }
        configuration.persistencePath = persist
        configuration.webSocketPort = webSocketPort
        configuration.report = { Diagnostics.warn($0) }
        return configuration
    }
}
