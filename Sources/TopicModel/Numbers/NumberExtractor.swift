#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Finds the numbers in a payload, each with the JSON path it sits at ("" for the payload itself).
///
/// ```swift
/// NumberExtractor.numbers(in: Array("21.5 °C".utf8))                          // [("", 21.5)]
/// NumberExtractor.numbers(in: Array(#"{"AM2301":{"Temperature":24.6}}"#.utf8)) // [("AM2301.Temperature", 24.6)]
/// NumberExtractor.numbers(in: Array("ON".utf8))                                // [("", 1)]
/// ```
public enum NumberExtractor {
    /// At most this many numeric fields are taken from one JSON payload.
    public static let maximumFields = 32
    /// JSON nested deeper than this is not searched (hostile payloads stay cheap).
    static let maximumDepth = 8

    public static func numbers(in payload: [UInt8]) -> [(path: String, value: Double)] {
        var results: [(path: String, value: Double)] = []
        numbers(in: payload, into: &results)
        return results
    }

    /// The same, into a buffer the caller reuses (emptied first).
    public static func numbers(in payload: [UInt8], into results: inout [(path: String, value: Double)]) {
        results.removeAll(keepingCapacity: true)
        guard payload.count <= 16 * 1024 else { return }
        var start = 0, end = payload.count
        while start < end, isSpace(payload[start]) { start += 1 }
        while end > start, isSpace(payload[end - 1]) { end -= 1 }
        guard start < end else { return }
        let trimmed = payload[start..<end]
        if trimmed.first == UInt8(ascii: "{") {
            // Hand the buffer to the scanner and take it back, so it stays uniquely owned.
            var scanner = JSONNumberScanner(bytes: trimmed, results: results)
            results = []
            scanner.scanObject()
            results = scanner.results
        } else if let value = plainNumber(trimmed) ?? stateWord(trimmed) {
            results.append(("", value))
        }
    }

    /// A JSON object's top-level strings and booleans ("true", "false") by key, in document
    /// order; empty when the payload is not a JSON object.
    public static func topLevelTexts(in payload: [UInt8]) -> [(key: String, text: String)] {
        guard payload.count <= 16 * 1024 else { return [] }
        let trimmed = payload.drop { isSpace($0) }
        guard trimmed.first == UInt8(ascii: "{") else { return [] }
        var scanner = JSONNumberScanner(bytes: trimmed.prefix(upTo: trimmed.lastIndex { !isSpace($0) }! + 1), results: [])
        scanner.texts = []
        scanner.scanObject()
        return scanner.failed || scanner.index != scanner.bytes.endIndex ? [] : scanner.texts ?? []
    }

    // MARK: Plain values

    /// A number, optionally followed by a short unit: "21.5", "-3", "1e3", "21.5 °C", "45%".
    static func plainNumber(_ bytes: ArraySlice<UInt8>) -> Double? {
        var index = bytes.startIndex
        guard let numberEnd = scanNumber(bytes, from: &index),
              let value = parseDouble(bytes[bytes.startIndex..<numberEnd]), value.isFinite else { return nil }
        // What follows may be a unit: a few non-digit characters after optional spaces.
        var rest = bytes[numberEnd...].drop { isSpace($0) }
        if rest.count > 12 || rest.contains(where: { ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "{") }) { return nil }
        if !rest.isEmpty, numberEnd < bytes.endIndex, !isSpace(bytes[numberEnd]) {
            // Glued units must start like one: "45%", "21.5°C", "3kW"; not "12abc".
            let first = rest.removeFirst()
            if !(first == UInt8(ascii: "%") || first >= 0x80 || (rest.count <= 2 && isLetter(first))) { return nil }
        }
        return value
    }

    /// Whether the payload is a state word (ON, off, true, open...) rather than a number: it is
    /// drawn as 1/0, but it is not a reading.
    public static func isStateWord(_ payload: [UInt8]) -> Bool {
        guard payload.count <= 16 else { return false }
        let trimmed = payload.drop { isSpace($0) }
        return stateWord(trimmed.prefix(upTo: trimmed.lastIndex { !isSpace($0) }.map { $0 + 1 } ?? trimmed.startIndex)) != nil
    }

    /// The unit after a plain number ("°C" in "21.5 °C"), or nil when there is none.
    public static func plainUnit(in payload: [UInt8]) -> String? {
        guard payload.count <= 64, payload.first != UInt8(ascii: "{") else { return nil }
        let text = payload.drop { isSpace($0) }
        let trimmed = text.prefix(upTo: text.lastIndex { !isSpace($0) }.map { $0 + 1 } ?? text.startIndex)
        var index = trimmed.startIndex
        guard plainNumber(trimmed) != nil, let end = scanNumber(trimmed, from: &index) else { return nil }
        let unit = trimmed[end...].drop { isSpace($0) }
        return unit.isEmpty ? nil : String(decoding: unit, as: UTF8.self)
    }

    /// ON/OFF, true/false, open/closed, online/offline (any case) as 1/0.
    static func stateWord(_ bytes: ArraySlice<UInt8>) -> Double? {
        guard bytes.count <= 7 else { return nil }
        switch String(decoding: bytes, as: UTF8.self).lowercased() {
        case "on", "true", "open", "online": return 1
        case "off", "false", "closed", "offline": return 0
        default: return nil
        }
    }

    /// Advances over a JSON-style number; returns its end, or nil when there is none at `index`.
    static func scanNumber(_ bytes: ArraySlice<UInt8>, from index: inout Int) -> Int? {
        let start = index
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "-") || bytes[index] == UInt8(ascii: "+") { index += 1 }
        var digits = 0
        while index < bytes.endIndex, isDigit(bytes[index]) { index += 1; digits += 1 }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: ".") {
            index += 1
            while index < bytes.endIndex, isDigit(bytes[index]) { index += 1; digits += 1 }
        }
        guard digits > 0 else { index = start; return nil }
        if index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "e") {
            var exponent = index + 1
            if exponent < bytes.endIndex, bytes[exponent] == UInt8(ascii: "-") || bytes[exponent] == UInt8(ascii: "+") {
                exponent += 1
            }
            if exponent < bytes.endIndex, isDigit(bytes[exponent]) {
                index = exponent
                while index < bytes.endIndex, isDigit(bytes[index]) { index += 1 }
            }
        }
        return index
    }

    /// Parses the bytes `scanNumber` accepted, without building a String.
    static func parseDouble(_ bytes: ArraySlice<UInt8>) -> Double? {
        guard bytes.count < 64 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: bytes.count + 1) { buffer in
            for (offset, byte) in bytes.enumerated() { buffer[offset] = CChar(bitPattern: byte) }
            buffer[bytes.count] = 0
            var end: UnsafeMutablePointer<CChar>?
            let value = strtod(buffer.baseAddress!, &end)
            return end == buffer.baseAddress! + bytes.count ? value : nil
        }
    }

    /// JSON's whitespace: space, tab, line feed, carriage return.
    public static func isSpace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D }
    static func isDigit(_ byte: UInt8) -> Bool { byte >= 0x30 && byte <= 0x39 }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= 0x61 && (byte | 0x20) <= 0x7A }
}
