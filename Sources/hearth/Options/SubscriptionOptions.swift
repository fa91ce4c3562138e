import ArgumentParser
import HearthKit
import MQTT

/// What to subscribe to and when to stop: shared by `hearth sub` and `hearth tree`.
struct SubscriptionOptions: ParsableArguments {
    @Option(name: [.customShort("t"), .customLong("topic")], help: "Topic filter to subscribe to (repeatable); $share/GROUP/FILTER for a shared subscription (brokers share the messages among a group).")
    var topics: [String] = []

    @Option(name: [.customShort("q"), .long], help: "QoS of the subscriptions: 0, 1 or 2.")
    var qos: MQTTQoS = .atMostOnce

    @Option(name: [.customShort("C"), .customLong("count")], help: "Stop after this many messages.")
    var count: Int?

    @Option(name: [.customShort("W"), .customLong("timeout")], help: "Stop after this many seconds.")
    var timeout: Double?

    func validate() throws {
        if let count, count < 1 { throw ValidationError("-C must be at least 1") }
        if let timeout, timeout <= 0 { throw ValidationError("-W must be positive") }
        for filter in topics {
            if let problem = MQTTTopic.filterProblem(filter) {
                throw ValidationError("invalid topic filter '\(filter)': \(problem)")
            }
        }
    }
}
