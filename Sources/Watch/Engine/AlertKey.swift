/// An alert by what names it across runs: the rule, the broker and the topic.
struct AlertKey: Hashable, Sendable {
    var rule: String
    var broker: String
    var topic: String
}
