import MQTT

/// The publish dialog's fields and what Send does with them.
public struct PublishForm: Sendable {
    public enum Field: Int, CaseIterable, Sendable {
        case topic, payload, qos, retain, send
    }

    public var topic: TextField
    public var payload = TextField(multiline: true)
    public var qos: MQTTQoS = .atMostOnce
    public var retain = false
    public var focus: Field = .payload
    /// An inline problem (nothing was sent), or the outcome of the last send.
    public var message: (text: String, isError: Bool)?
    /// Set while "clear the retained value?" waits for y/n.
    public var confirmingClear = false
    /// Set between Send and the broker's answer.
    public var sending = false
    /// A broker it can send to, with several on screen.
    public struct Broker: Sendable, Equatable {
        /// Its number in the model.
        public var index: Int
        public var name: String
        public var isConnected: Bool

        public init(index: Int, name: String, isConnected: Bool) {
            self.index = index
            self.name = name
            self.isConnected = isConnected
        }
    }

    /// The brokers on screen, in the screen's order, when there are several; `broker` is the
    /// number of the one it sends to (Ctrl-B moves to the next on screen).
    public let brokers: [Broker]
    public var broker: Int

    public init(topic: String, brokers: [Broker] = [], broker: Int = 0) {
        self.topic = TextField(topic)
        self.brokers = brokers
        self.broker = broker
        if topic.isEmpty { focus = .topic }
    }

    /// What a key does to the form: nothing to send, a request to send, or close the dialog.
    public enum Outcome: Equatable {
        case stay
        case send(PublishRequest)
        case close
    }

    public mutating func handle(_ key: Key) -> Outcome {
        if confirmingClear {
            confirmingClear = false
            if key == .character("y") || key == .character("Y") { return .send(request) }
            message = ("not sent", false)
            return .stay
        }
        switch key {
        case .escape: return .close
        case .tab: focus = Field(rawValue: (focus.rawValue + 1) % Field.allCases.count)!
        case .backTab: focus = Field(rawValue: (focus.rawValue + Field.allCases.count - 1) % Field.allCases.count)!
        case .control("r"): retain.toggle()
        case .control("b") where !brokers.isEmpty:
            let position = brokers.firstIndex { $0.index == broker } ?? -1
            broker = brokers[(position + 1) % brokers.count].index
        case .control("s"): return submit()
        case .enter where focus != .payload: return submit()
        default:
            switch focus {
            case .topic: _ = topic.edit(key)
            case .payload: _ = payload.edit(key)
            case .qos:
                switch key {
                case .character("0"): qos = .atMostOnce
                case .character("1"): qos = .atLeastOnce
                case .character("2"): qos = .exactlyOnce
                case .character(" "), .right: qos = MQTTQoS(rawValue: (qos.rawValue + 1) % 3)!
                case .left: qos = MQTTQoS(rawValue: (qos.rawValue + 2) % 3)!
                default: break
                }
            case .retain:
                if key == .character(" ") || key == .left || key == .right { retain.toggle() }
            case .send:
                if key == .character(" ") { return submit() }
            }
        }
        return .stay
    }

    /// Checks the fields; sends, asks first (empty retained payload), or shows what is wrong.
    public mutating func submit() -> Outcome {
        guard !sending else { return .stay }
        if let problem = MQTTTopic.sendingProblem(topic.text) {
            focus = .topic
            message = ("topic: \(problem)", true)
            return .stay
        }
        if retain, payload.text.isEmpty {
            confirmingClear = true
            let place = brokers.first { $0.index == broker }.map { " on " + $0.name } ?? ""
            message = ("clear the retained value of \(topic.text)\(place)? y/n", false)
            return .stay
        }
        return .send(request)
    }

    var request: PublishRequest {
        PublishRequest(topic: topic.text, payload: Array(payload.text.utf8), qos: qos, retain: retain, broker: broker)
    }
}
