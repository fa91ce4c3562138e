/// Why a history store cannot be used; each reads as one line. `store` is a file's path or a
/// URL without its password.
public enum StoreFailure: Error, CustomStringConvertible, Equatable, Sendable {
    case cannotOpen(store: String, reason: String)
    case newerSchema(store: String)
    /// Opened to read only, in a layout an older Hearth wrote: a writer updates it.
    case olderSchema(store: String)
    case writeFailed(store: String, reason: String)
    case anotherWriter(store: String)
    /// A database takes many writers, one per broker.
    case anotherBrokerWriter(store: String, broker: String)
    /// The store holds several brokers' pasts, and not this one's.
    /// `named`: the name was given (`--broker`), rather than taken from the connection flags.
    case noSuchBroker(store: String, broker: String, known: [String], named: Bool)

    public var description: String {
        switch self {
        case let .cannotOpen(store, reason): return "cannot open the history store \(store): \(reason)"
        case let .newerSchema(store): return "the history store \(store) was written by a newer Hearth"
        case let .olderSchema(store):
            return "the history store \(store) was written by an older Hearth; hearth record (or hearth --record) updates it when it next opens it"
        case let .writeFailed(store, reason): return "cannot write to the history store \(store): \(reason)"
        case let .anotherWriter(store): return "another hearth is recording into \(store) (hearth record, or hearth --record); one writer per store"
        case let .anotherBrokerWriter(store, broker):
            return "another hearth is recording \(broker) into \(store) (hearth record, or hearth --record); one writer per broker"
        case let .noSuchBroker(store, broker, known, named):
            return "the history store \(store) holds no broker \(broker) (it holds \(known.map { $0.isEmpty ? "(unnamed)" : $0 }.joined(separator: ", "))"
                + (named ? ")" : "; name one with --broker)")
        }
    }
}
