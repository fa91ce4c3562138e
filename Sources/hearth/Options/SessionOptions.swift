import ArgumentParser
import HearthKit

/// Keeping a session across connections, as mosquitto_sub's `-c` and `-x` do: the broker then
/// queues what arrives for the subscriptions while the client is away.
struct SessionOptions: ParsableArguments {
    @Flag(name: [.customShort("c"), .customLong("disable-clean-session")],
          help: "Keep the session when disconnected (needs a stable -i): the broker queues QoS 1/2 messages meanwhile.")
    var keepSession = false

    @Option(name: [.customShort("x"), .customLong("session-expiry")],
            help: "MQTT 5: seconds the broker keeps the session after a disconnect (-1 or ∞: for ever; default: ∞ with -c, else 0).")
    var sessionExpiry: SessionExpiry?

    /// Seconds, or for ever.
    enum SessionExpiry: ExpressibleByArgument, Equatable {
        case seconds(UInt32)
        case never

        init?(argument: String) {
            if argument == "-1" || argument == "∞" || argument == "4294967295" {
                self = .never
            } else if let seconds = UInt32(argument), seconds < UInt32.max {
                self = .seconds(seconds)
            } else {
                return nil
            }
        }

        var interval: UInt32 {
            switch self {
            case let .seconds(seconds): return seconds
            case .never: return UInt32.max
            }
        }
    }

    /// Whether CONNECT asks for a clean start (3.1.1: clean session).
    var cleanStart: Bool { !keepSession }

    /// The session expiry CONNECT asks for (MQTT 5).
    var expiryInterval: UInt32 { sessionExpiry?.interval ?? (keepSession ? UInt32.max : 0) }

    func validate(clientID: String?) throws {
        if keepSession, clientID == nil { throw ValidationError("-c needs a client id (-i) to find the session again") }
    }
}
