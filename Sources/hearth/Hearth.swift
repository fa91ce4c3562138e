import ArgumentParser

/// `hearth`: a terminal dashboard and command-line client for MQTT.
@main
struct Hearth: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hearth",
        abstract: "A terminal dashboard and command-line client for MQTT.",
        subcommands: [DashboardCommand.self, SubCommand.self, PubCommand.self, TreeCommand.self, BrokerCommand.self, DemoCommand.self],
        defaultSubcommand: DashboardCommand.self,
        // -h is the broker host, as in mosquitto_sub and mosquitto_pub.
        helpNames: [.long]
    )
}
