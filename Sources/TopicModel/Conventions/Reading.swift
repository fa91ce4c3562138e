/// What a topic's numeric field is to a person: a room's temperature, another reading, or the
/// device describing itself.
public enum ReadingRole: Sendable, Hashable {
    case temperature
    case reading
    case deviceInternal
}

/// A topic's numeric field as the overview lists it.
public struct Reading: Sendable, Hashable {
    /// The JSON path ("" for a plain payload).
    public let path: String
    public let unit: String?
    public let kind: SeriesKind
    public let role: ReadingRole
}

/// A topic's primary series (see `TopicModel.primaryReading`): its newest value, its unit and
/// kind, and its role (nil when it is no reading, such as a state's own 1/0).
public struct PrimaryReading: Sendable {
    public let path: String
    public let value: Double
    public let unit: String?
    public let kind: SeriesKind
    public let role: ReadingRole?
}
