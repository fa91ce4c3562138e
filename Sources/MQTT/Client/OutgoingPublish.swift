/// A QoS 1/2 publish of ours that the broker has not finished acknowledging.
struct OutgoingPublish {
    var packet: PublishPacket
    /// QoS 2 after PUBREC: what is left to send on a resumed session is PUBREL, not the PUBLISH.
    var awaitingPubcomp = false
    /// The caller waiting for the acknowledgement; nil once it stopped waiting (cancelled), while
    /// the flow still holds its packet id and its Receive Maximum slot until the broker answers.
    var continuation: CheckedContinuation<Void, any Error>?
}
