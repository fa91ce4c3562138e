import HistoryStore
import MQTT

/// Publishes recorded messages again, in their order, with their gaps scaled by the speed: the
/// part of `hearth replay` that reads the store and paces, with the publishing given to it.
public struct Replayer: Sendable {
    /// What the replayed messages keep of their retain flag.
    public enum RetainMode: String, Sendable, CaseIterable {
        /// As recorded (a retained answer is retained again).
        case asRecorded = "as-recorded"
        /// Never retained: the broker's memory is left as it is.
        case never
    }

    /// One message to publish.
    public struct Message: Sendable {
        public var topic: String
        public var payload: [UInt8]
        public var qos: MQTTQoS
        public var retain: Bool
        public var properties: MQTTProperties
    }

    /// Messages read from the store at a time.
    static let pageSize = 10_000

    public var filters: [String]
    public var since: Double
    public var until: Double
    /// How many times faster than recorded; nil: as fast as the broker takes them.
    public var speed: Double?
    /// Put ahead of every topic (`replay/`), so nothing that listens to the real ones is fed.
    public var prefix: String
    public var retain: RetainMode
    /// Overrides the recorded QoS.
    public var qos: MQTTQoS?

    public init(filters: [String], since: Double, until: Double, speed: Double?, prefix: String, retain: RetainMode, qos: MQTTQoS?) {
        self.filters = filters
        self.since = since
        self.until = until
        self.speed = speed
        self.prefix = prefix
        self.retain = retain
        self.qos = qos
    }

    /// What a replay did: messages sent, and how many had payloads the store kept cut.
    public struct Summary: Sendable {
        public var sent = 0
        public var cut = 0
        /// The recorded span they covered (seconds).
        public var recordedSpan = 0.0
    }

    /// Replays `broker`'s past from `store` through `publish`, telling `progress` how many of
    /// how many went.
    public func run(from store: any HistoryStorage, broker: String, publish: (Message) async throws -> Void,
                    progress: (_ sent: Int, _ total: Int) -> Void) async throws -> Summary {
        // Each topic matched against the filters once.
        var wanted: [String: Bool] = [:]
        let total = try await store.messageCount(broker: broker, from: since, until: until)
        let clock = ContinuousClock()
        let start = clock.now
        var pace: ReplayPace?
        var summary = Summary()
        var cursor: (time: Double, id: Int64)?
        while true {
            let page = try await store.messages(broker: broker, from: since, until: until, after: cursor, limit: Self.pageSize)
            guard let last = page.last else { break }
            cursor = (last.message.time, last.message.id)
            for (name, recorded) in page {
                let matches = wanted[name] ?? filters.contains { MQTTTopic.matches(filter: $0, topic: name) }
                wanted[name] = matches
                guard matches else { continue }
                let paced = pace ?? ReplayPace(speed: speed, firstRecorded: recorded.time, start: 0)
                pace = paced
                try await clock.sleep(until: start + .milliseconds(Int64((paced.due(recorded: recorded.time) * 1000).rounded())), tolerance: nil)
                try await publish(Message(topic: prefix + name, payload: recorded.payload,
                                          qos: qos ?? MQTTQoS(rawValue: UInt8(clamping: recorded.qos)) ?? .atMostOnce,
                                          retain: retain == .asRecorded && recorded.retain, properties: recorded.properties))
                summary.sent += 1
                if recorded.size > recorded.payload.count { summary.cut += 1 }
                summary.recordedSpan = recorded.time - paced.firstRecorded
            }
            progress(summary.sent, total)
        }
        return summary
    }
}
