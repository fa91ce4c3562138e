import Foundation

/// What a light, plug, switch or door says it is doing: the word a person reads first.
///
/// ```swift
/// DeviceState.of(Array(#"{"brightness":180,"state":"OFF"}"#.utf8))?.word  // "OFF"
/// DeviceState.of(Array(#"{"id":0,"output":true,"apower":41.5}"#.utf8))?.word  // "ON"
/// DeviceState.of(Array("closed".utf8))?.word                              // "closed"
/// ```
///
/// Availability (`online`, `offline`) is liveness, not a state: it is never one here.
public struct DeviceState: Sendable, Hashable {
    /// The word as shown: the payload's own ("ON", "closed"), or the convention's for a boolean.
    public let word: String
    /// Whether the device is on, open or active (drawn bright), off or shut (drawn dim), or neither.
    public let isActive: Bool?
    /// The JSON key the state came from ("" for a plain payload): its 1 or 0 is not a reading.
    public let key: String

    /// The state a payload states, or nil.
    public static func of(_ payload: [UInt8]) -> DeviceState? {
        guard let first = payload.first(where: { !NumberExtractor.isSpace($0) }) else { return nil }
        if first != UInt8(ascii: "{") {
            // Most plain payloads are numbers: a word starts with a letter.
            guard payload.count <= 16, NumberExtractor.isLetter(first),
                  let word = plainWord(String(decoding: payload, as: UTF8.self)) else { return nil }
            return DeviceState(word: word, isActive: activity(word), key: "")
        }
        // Most JSON payloads carry none of the keys: a byte search says so before any parsing.
        guard mentionsAKey(payload) else { return nil }
        let texts = NumberExtractor.topLevelTexts(in: payload)
        for key in keys {
            guard let text = texts.first(where: { $0.key == key.name })?.text else { continue }
            if text == "true" || text == "false", let words = key.booleanWords {
                return DeviceState(word: text == "true" ? words.on : words.off, isActive: text == "true", key: key.name)
            }
            guard key.booleanWords == nil || key.name == "state", let word = shortWord(text) else { continue }
            return DeviceState(word: word, isActive: activity(word), key: key.name)
        }
        return nil
    }

    /// Whether `payload` holds one of the keys, quoted: one pass over its quotes.
    private static func mentionsAKey(_ payload: [UInt8]) -> Bool {
        var index = payload.startIndex
        while let quote = payload[index...].firstIndex(of: UInt8(ascii: "\"")) {
            for key in quotedKeys where quote + key.count <= payload.endIndex && payload[quote..<quote + key.count].elementsEqual(key) {
                return true
            }
            index = quote + 1
        }
        return false
    }

    private static let quotedKeys = keys.map { Array(("\"" + $0.name + "\"").utf8) }

    /// The keys that carry a state, spelled as the conventions spell them, preferred first, with
    /// the words their booleans read as (zigbee2mqtt's `contact: true` is a closed door).
    private static let keys: [(name: String, booleanWords: (on: String, off: String)?)] = [
        ("state", ("ON", "OFF")), ("POWER", nil), ("output", ("ON", "OFF")), ("contact", ("closed", "open")),
        ("occupancy", ("occupied", "clear")), ("presence", ("present", "away")), ("water_leak", ("leak", "dry")),
    ]

    /// A plain payload that is a state word, trimmed, as sent.
    private static func plainWord(_ text: String) -> String? {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return plainWords.contains(trimmed.lowercased()) ? trimmed : nil
    }

    private static let plainWords: Set<String> = ["on", "off", "open", "closed", "true", "false", "locked", "unlocked"]

    /// A JSON state value short enough to be a word ("ON", "OPEN", "LOCK"), and not availability.
    private static func shortWord(_ text: String) -> String? {
        guard (1...12).contains(text.count), text.allSatisfy({ $0.isLetter || $0 == "_" }),
              !["online", "offline", "available", "unavailable"].contains(text.lowercased()) else { return nil }
        return text
    }

    private static func activity(_ word: String) -> Bool? {
        switch word.lowercased() {
        case "on", "open", "true", "unlocked", "occupied", "present", "leak", "opening", "closing": return true
        case "off", "closed", "close", "false", "locked", "lock", "clear", "away", "dry", "stop", "stopped": return false
        default: return nil
        }
    }
}
