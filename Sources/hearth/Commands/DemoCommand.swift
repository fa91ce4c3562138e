import ArgumentParser
import HearthKit
import Dashboard
import Foundation
import MQTT
import MQTTBroker
import Terminal

/// `hearth demo`: the embedded broker, a simulated smart home, and the dashboard on them.
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "See Hearth work with no broker installed: an embedded broker, a simulated home, and the dashboard.",
        discussion: """
            Quitting the dashboard stops all three. Try p on home/<room>/heater/set: publish ON, and watch the heater's retained state change and the room warm up.
              hearth demo
              hearth demo --headless --port 1883   # broker and home only, for other clients
            """,
        helpNames: [.long])

    @Flag(name: .long, help: "Run the broker and the simulated home without the dashboard; print the port.")
    var headless = false

    @Option(name: .long, help: "Port for the embedded broker (default: a free one).")
    var port: Int?

    @Option(name: .long, help: "Theme for the dashboard.", completion: .custom { _, _, _ in ThemeCatalog.installedNames() })
    var theme: String?

    @Option(name: .customLong("drop-every"), help: ArgumentHelp("Seconds between the garage plug's drop-outs.", visibility: .hidden))
    var dropEvery: Double = 150

    func validate() throws {
        if let port, !(0...65535).contains(port) { throw ValidationError("--port must be 0 to 65535") }
        guard dropEvery > 0 else { throw ValidationError("--drop-every must be positive") }
    }

    func run() async throws {
        let theme = try ThemeCatalog.theme(named: theme)
        if !headless { try TerminalSession.requireTerminal() }
        let broker = MQTTBroker(configuration: BrokerConfiguration(port: port ?? 0))
        let bound = try await broker.start()
        let home = SimulatedHome(port: bound, flakyPeriod: .milliseconds(Int(dropEvery * 1000)))
        var failure: (any Error)?
        do {
            try await home.start()
            if headless {
                try await home.startReadings {
                    print("hearth demo: readings are live (two simulated days were sent first)")
                    fflush(nil)
                }
                print("hearth demo: broker on 127.0.0.1:\(bound) (Ctrl-C stops it)")
                fflush(nil)
                await StopSignal.wait()
            } else {
                let configuration = MQTTClientConfiguration(host: "127.0.0.1", port: bound)
                // The readings start once the dashboard listens, so the fast first minutes reach it.
                try await DashboardRunner(brokers: [.init(name: "demo", configuration: configuration, filters: ["#"])], qos: .atMostOnce, theme: theme,
                                          exitAfter: nil, onSubscribed: { try? await home.startReadings() }).run()
            }
        } catch {
            failure = error
        }
        // However it ended, the home and the broker stop with the dashboard.
        await home.stop()
        await broker.stop()
        if let failure { throw failure }
    }
}
