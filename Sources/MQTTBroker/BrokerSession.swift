import DequeModule
import MQTT
import NIOCore

/// What the broker keeps for one client ID: subscriptions, and QoS 1/2 messages in flight or
/// queued. A persistent session outlives its connection: a 5.0 one for its Session Expiry
/// Interval, a 3.1.1 one while the broker runs.
final class BrokerSession {
    let clientID: String
    var version: MQTTProtocolVersion
    /// Kept after the connection ends (3.1.1 clean session 0, or 5.0 session expiry above 0).
    var isPersistent: Bool
    /// 5.0: seconds the session outlives its connection (`UInt32.max`: for ever); nil in 3.1.1,
    /// where a persistent session lasts while the broker runs.
    var expiryInterval: UInt32?
    /// Ends the session once its expiry interval has passed without a connection.
    var expiryTimer: Scheduled<Void>?
    /// By filter as subscribed (`$share/group/filter` for a shared one).
    var subscriptions: [String: Subscribers.Entry] = [:]
    var connection: BrokerConnection?
    /// The client's receive maximum (5.0), capped by the broker's in-flight limit.
    var inflightLimit: Int
    /// The largest packet the client accepts (5.0).
    var maximumPacketSize: Int?

    /// Sent and not yet acknowledged, by packet id; `released` once PUBREC came and PUBREL went.
    var inflight: [UInt16: (packet: PublishPacket, released: Bool)] = [:]
    /// Waiting for an in-flight slot, or for the client to come back.
    var queue = Deque<BrokerMessage>()
    /// Incoming QoS 2 packet ids between PUBLISH and PUBREL: a resent PUBLISH is not routed twice.
    var receivedQoS2: Set<UInt16> = []
    private var nextPacketID: UInt16 = 1

    init(clientID: String, version: MQTTProtocolVersion, isPersistent: Bool, inflightLimit: Int) {
        self.clientID = clientID
        self.version = version
        self.isPersistent = isPersistent
        self.inflightLimit = inflightLimit
    }

    /// A packet id not in flight.
    func allocatePacketID() -> UInt16 {
        while true {
            let id = nextPacketID
            nextPacketID = nextPacketID == UInt16.max ? 1 : nextPacketID + 1
            if inflight[id] == nil { return id }
        }
    }
}
