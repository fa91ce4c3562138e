import MQTT
import NIOCore

/// A message the broker holds for later (queued for a client, or retained), with the deadline
/// its 5.0 Message Expiry Interval sets.
struct BrokerMessage {
    var packet: PublishPacket
    let expiresAt: NIODeadline?

    init(_ packet: PublishPacket, receivedAt now: NIODeadline = .now()) {
        self.packet = packet
        expiresAt = packet.properties.messageExpiryInterval.map { now + .seconds(Int64($0)) }
    }

    /// The packet to send now: nil once expired, else with the expiry interval that remains
    /// [MQTT-3.3.2-5, MQTT-3.3.2-6].
    func forwarded(at now: NIODeadline = .now()) -> PublishPacket? {
        guard let expiresAt else { return packet }
        guard expiresAt > now else { return nil }
        var packet = packet
        let remaining = (expiresAt - now).nanoseconds / 1_000_000_000
        packet.properties.remove(.messageExpiryInterval)
        packet.properties.append(.messageExpiryInterval(UInt32(clamping: max(1, remaining))))
        return packet
    }
}
