import MQTT
import TopicModel

/// What the dashboard asks the program to do; the program reports back with `DashboardEvent`s.
public enum DashboardAction: Sendable, Equatable {
    case quit
    case publish(PublishRequest)
    /// Publish an empty retained message to each topic of `broker` (0 with one), in order,
    /// reporting progress.
    case clearRetained([String], broker: Int = 0)
    /// Put text on the clipboard of the user's terminal (OSC 52, which works over SSH).
    case copy(String)
    /// Silence a rule, or lift its silence (the rules view's `s`, `S`, `u`); shared with
    /// `hearth watch` through its state file.
    case silence(rule: String, SilenceRequest)
}

/// What the rules view asks of a rule's silence.
public enum SilenceRequest: Sendable, Equatable {
    /// An hour from now (`s`).
    case hour
    /// Until none of its alerts fires (`S`).
    case untilResolved
    /// No more silence (`u`).
    case lift
}

/// One message to publish, as the publish dialog built it.
public struct PublishRequest: Sendable, Equatable {
    public var topic: String
    public var payload: [UInt8]
    public var qos: MQTTQoS
    public var retain: Bool
    /// Which broker it goes to (0 with one).
    public var broker: Int

    public init(topic: String, payload: [UInt8], qos: MQTTQoS, retain: Bool, broker: Int = 0) {
        self.topic = topic
        self.payload = payload
        self.qos = qos
        self.retain = retain
        self.broker = broker
    }
}

/// News for the dashboard from outside its thread.
public enum DashboardEvent: Sendable {
    case connection(ConnectionStatus)
    /// One broker's connection changed, with several brokers on screen (by number).
    case link(Int, ConnectionStatus)
    /// The outcome of a `.publish`: nil for success, else the reason.
    case published(topic: String, error: String?)
    /// Progress of a `.clearRetained`.
    case cleared(done: Int, total: Int, error: String?)
    /// The history store could not be read; the dashboard goes on with live data.
    case historyFailed(String)
    /// A line for the status bar: recording into the store failing or working again
    /// (`hearth --record`), a broker refusing a filter.
    case note(String, isError: Bool)
    /// A page of a topic's recorded messages, newest first, with where the next page starts;
    /// `reachedStart` when there are no more.
    case olderMessages(OlderMessages.Request, messages: [StoredMessage], cursor: (time: Double, id: Int64)?, reachedStart: Bool)
    /// A page could not be read.
    case olderMessagesFailed(OlderMessages.Request, reason: String)
}

/// The connection as the header shows it.
public struct ConnectionStatus: Sendable, Equatable {
    public enum Phase: Sendable, Equatable {
        case connecting
        case connected
        /// The next attempt is due at `retryAt` (seconds since 1970): the header counts down to it.
        case reconnecting(retryAt: Double, lastError: String)
        case failed(String)
    }

    /// "host:port", with " TLS" when encrypted.
    public var broker: String
    public var phase: Phase
    /// "3.1.1" or "5.0", once connected.
    public var version: String?
    /// When the connection was lost (seconds since 1970), while it is down.
    public var downSince: Double?

    public init(broker: String, phase: Phase, version: String? = nil, downSince: Double? = nil) {
        self.broker = broker
        self.phase = phase
        self.version = version
        self.downSince = downSince
    }

    /// Lost, reconnecting, or failed for good: its topics cannot speak.
    public var isDown: Bool {
        switch phase {
        case .connected: return false
        case .reconnecting, .failed: return true
        case .connecting: return downSince != nil
        }
    }

    /// Whether the header shows a time that moves (a countdown, or how long the link is down).
    var isTicking: Bool {
        switch phase {
        case .connected, .failed: return false
        case .reconnecting: return true
        case .connecting: return downSince != nil
        }
    }
}
