/// A QoS 1/2 publish of ours that the broker has not finished acknowledging.
struct OutgoingPublish {
    var packet: PublishPacket
    /// QoS 2 after PUBREC: what is left to send on a resumed session is PUBREL, not the PUBLISH.
    var awaitingPubcomp = false
    let continuation: CheckedContinuation<Void, any Error>
}
