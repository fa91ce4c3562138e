/// Walks a JSON object once, collecting numeric (and boolean) fields by dotted path, in document order.
///
/// It builds no objects and gives up quietly on malformed input: a payload that is not valid
/// JSON simply has no numbers.
struct JSONNumberScanner {
    let bytes: ArraySlice<UInt8>
    var index: Int
    /// Where the numbers go; the caller's buffer, so a hot loop allocates none.
    var results: [(path: String, value: Double)]
    /// The top level's strings and booleans ("true", "false"), by key, when asked for (a
    /// device's state and a convention's units are words there).
    var texts: [(key: String, text: String)]?
    var failed = false

    init(bytes: ArraySlice<UInt8>, results: [(path: String, value: Double)]) {
        self.bytes = bytes
        self.index = bytes.startIndex
        self.results = results
    }

    /// Scans; on malformed input `results` ends up empty.
    mutating func scanObject() {
        value(path: "", depth: 0)
        skipSpace()
        if failed || index != bytes.endIndex { results.removeAll(keepingCapacity: true) }
    }

    private mutating func value(path: String, depth: Int) {
        skipSpace()
        guard !failed, index < bytes.endIndex else { return fail() }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            guard depth < NumberExtractor.maximumDepth else { return fail() }
            index += 1
            skipSpace()
            if peek(UInt8(ascii: "}")) { index += 1; return }
            while !failed {
                skipSpace()
                guard let key = string() else { return fail() }
                skipSpace()
                guard expect(UInt8(ascii: ":")) else { return fail() }
                value(path: path.isEmpty ? key : path + "." + key, depth: depth + 1)
                skipSpace()
                if expect(UInt8(ascii: ",")) { continue }
                guard expect(UInt8(ascii: "}")) else { return fail() }
                return
            }
        case UInt8(ascii: "["):
            // Arrays are skipped: their elements have no stable name to graph.
            guard depth < NumberExtractor.maximumDepth else { return fail() }
            index += 1
            skipSpace()
            if peek(UInt8(ascii: "]")) { index += 1; return }
            let saved = results.count
            while !failed {
                value(path: path, depth: depth + 1)
                skipSpace()
                if expect(UInt8(ascii: ",")) { continue }
                guard expect(UInt8(ascii: "]")) else { return fail() }
                break
            }
            results.removeSubrange(saved...)
        case UInt8(ascii: "\""):
            guard let text = string() else { return fail() }
            if depth == 1, texts != nil { texts?.append((path, text)) }
        case UInt8(ascii: "t"):
            guard literal("true") else { return fail() }
            record(path, 1)
            if depth == 1, texts != nil { texts?.append((path, "true")) }
        case UInt8(ascii: "f"):
            guard literal("false") else { return fail() }
            record(path, 0)
            if depth == 1, texts != nil { texts?.append((path, "false")) }
        case UInt8(ascii: "n"):
            if !literal("null") { fail() }
        default:
            let start = index
            guard let end = NumberExtractor.scanNumber(bytes, from: &index),
                  let number = NumberExtractor.parseDouble(bytes[start..<end]) else {
                return fail()
            }
            record(path, number)
        }
    }

    private mutating func record(_ path: String, _ value: Double) {
        // An `id` names a channel ({"id":0,"tC":21.5} from a Shelly), and a timestamp says when
        // (Shelly's `aenergy.minute_ts`): neither is a reading.
        if path == "id" || path.hasSuffix(".id") || path.hasSuffix("_ts") || path == "ts" || path.hasSuffix(".ts")
            || path.hasSuffix("timestamp") { return }
        if results.count < NumberExtractor.maximumFields, value.isFinite { results.append((path, value)) }
    }

    /// A JSON string; escapes are kept simple (\" and \\ and \uXXXX are decoded, others kept).
    private mutating func string() -> String? {
        guard expect(UInt8(ascii: "\"")) else { return nil }
        // The common case, no escapes: one String straight from the bytes.
        if let close = bytes[index...].firstIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }),
           bytes[close] == UInt8(ascii: "\"") {
            defer { index = close + 1 }
            return String(decoding: bytes[index..<close], as: UTF8.self)
        }
        var out: [UInt8] = []
        while index < bytes.endIndex {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: out, as: UTF8.self) }
            if byte == UInt8(ascii: "\\") {
                guard index < bytes.endIndex else { return nil }
                let escaped = bytes[index]
                index += 1
                if escaped == UInt8(ascii: "u") {
                    guard index + 4 <= bytes.endIndex,
                          let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16) else {
                        return nil
                    }
                    index += 4
                    out.append(contentsOf: Array(String(Unicode.Scalar(code).map(Character.init) ?? "\u{FFFD}").utf8))
                } else {
                    out.append(escaped == UInt8(ascii: "n") ? 0x0A : escaped == UInt8(ascii: "t") ? 0x09 : escaped)
                }
            } else {
                out.append(byte)
            }
        }
        return nil
    }

    private mutating func literal(_ word: StaticString) -> Bool {
        let count = word.utf8CodeUnitCount
        guard index + count <= bytes.endIndex else { return false }
        let matches = word.withUTF8Buffer { bytes[index..<index + count].elementsEqual($0) }
        if matches { index += count }
        return matches
    }

    private mutating func skipSpace() {
        while index < bytes.endIndex, NumberExtractor.isSpace(bytes[index]) { index += 1 }
    }

    private func peek(_ byte: UInt8) -> Bool { index < bytes.endIndex && bytes[index] == byte }

    private mutating func expect(_ byte: UInt8) -> Bool {
        guard peek(byte) else { return false }
        index += 1
        return true
    }

    private mutating func fail() { failed = true }
}
