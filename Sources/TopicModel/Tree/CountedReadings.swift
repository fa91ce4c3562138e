/// Changes to a branch's reading counts (see `TopicNode`).
struct ReadingCounts: Equatable {
    var readings: Int32 = 0
    var temperatures: Int32 = 0
    var internals: Int32 = 0
    var states: Int32 = 0
}

/// What one topic counts in its branches, and from what it was worked out. Bytes, not words: a
/// topic has at most `NumberExtractor.maximumFields` fields, and the record keeps a million of these.
struct CountedReadings: Sendable {
    var readings: UInt8 = 0
    var temperatures: UInt8 = 0
    var internals: UInt8 = 0
    /// The field count doubled, plus one for a plain state word: counted again when it changes.
    var signature: UInt8 = 0
    /// Its temperatures in °F less those in °C (a °C/°F pair shows the unit most readings use).
    var fahrenheitLean: Int8 = 0
    var hasState = false
    /// It sends a temperature in both °C and °F.
    var hasUnitPair = false
}
