import TextFormat
/// A payload as lines for the detail pane: JSON indented and highlighted, other text as it is,
/// binary as a hex dump. Every line is escaped: nothing from the broker reaches the terminal raw.
enum PayloadFormatter {
    static func lines(_ payload: [UInt8], truncated: Bool, width: Int) -> [StyledLine] {
        if payload.isEmpty { return [StyledLine("(empty payload)", .dim)] }
        // Text with control bytes (other than tab and line breaks) is binary in nature.
        if let text = ValueFormat.decoded(payload, truncated: truncated), !hasControlBytes(payload) {
            if let json = JSONPrettyPrinter.lines(text) { return json }
            return text.split(separator: "\n", omittingEmptySubsequences: false).map {
                StyledLine(TerminalEscaping.escaped(Array($0.utf8), keepNewlines: false), .text)
            }
        }
        return hexDump(payload, perLine: width >= 74 ? 16 : 8)
    }

    static func hasControlBytes(_ payload: [UInt8]) -> Bool {
        payload.contains { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }
    }

    /// `0000  48 65 6c 6c 6f 00 ff ...  |Hello..|`, 16 bytes a line (8 in a narrow pane).
    static func hexDump(_ bytes: [UInt8], perLine: Int) -> [StyledLine] {
        let digits = Array("0123456789abcdef")
        func hex(_ value: Int, width: Int) -> String {
            String((0..<width).reversed().map { digits[(value >> ($0 * 4)) & 0xF] })
        }
        return stride(from: 0, to: bytes.count, by: perLine).map { offset in
            let chunk = bytes[offset..<min(offset + perLine, bytes.count)]
            var codes = chunk.map { hex(Int($0), width: 2) }.joined(separator: " ")
            codes += String(repeating: " ", count: (perLine - chunk.count) * 3)
            let ascii = String(chunk.map { $0 >= 0x20 && $0 < 0x7F ? Character(Unicode.Scalar($0)) : "." })
            return StyledLine([(hex(offset, width: 4) + "  ", .dim), (codes, .jsonNumber), ("  |" + ascii + "|", .text)])
        }
    }
}

/// Indents and highlights JSON without parsing it into objects: key order and number spelling
/// stay as sent, and nesting depth costs no stack (hostile payloads nest deeply).
enum JSONPrettyPrinter {
    /// The lines, or nil when the text is not a JSON object or array.
    static func lines(_ text: String) -> [StyledLine]? {
        let bytes = Array(text.utf8)
        guard let first = bytes.first(where: { !isSpace($0) }), first == UInt8(ascii: "{") || first == UInt8(ascii: "[") else {
            return nil
        }
        var lines: [StyledLine] = []
        var line = StyledLine()
        var depth = 0
        var index = 0
        func newline() {
            lines.append(line)
            line = StyledLine()
            line.append(String(repeating: "  ", count: depth), .text)
        }
        while index < bytes.count {
            let byte = bytes[index]
            switch byte {
            case _ where isSpace(byte):
                index += 1
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                line.append(String(Unicode.Scalar(byte)), .jsonPunctuation)
                depth += 1
                index += 1
                // An empty container stays on one line.
                var next = index
                while next < bytes.count, isSpace(bytes[next]) { next += 1 }
                if next < bytes.count, bytes[next] == UInt8(ascii: "}") || bytes[next] == UInt8(ascii: "]") { continue }
                newline()
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                guard depth > 0 else { return nil }
                depth -= 1
                // After a value the bracket goes on its own line; an empty container closes in place.
                let last = line.spans.last?.text
                if last != "{", last != "[" { newline() }
                line.append(String(Unicode.Scalar(byte)), .jsonPunctuation)
                index += 1
            case UInt8(ascii: ","):
                line.append(",", .jsonPunctuation)
                index += 1
                newline()
            case UInt8(ascii: ":"):
                line.append(": ", .jsonPunctuation)
                index += 1
            case UInt8(ascii: "\""):
                guard let end = stringEnd(bytes, from: index) else { return nil }
                let raw = Array(bytes[index...end])
                var next = end + 1
                while next < bytes.count, isSpace(bytes[next]) { next += 1 }
                let isKey = next < bytes.count && bytes[next] == UInt8(ascii: ":")
                line.append(TerminalEscaping.escaped(readableEscapes(raw), keepNewlines: false), isKey ? .jsonKey : .jsonString)
                index = end + 1
            default:
                var end = index
                while end < bytes.count, !isSpace(bytes[end]), !",:]}".utf8.contains(bytes[end]) { end += 1 }
                guard end > index else { return nil }
                let token = String(decoding: bytes[index..<end], as: UTF8.self)
                let isLiteral = token == "true" || token == "false" || token == "null"
                guard isLiteral || Double(token) != nil else { return nil }
                line.append(token, isLiteral ? .jsonLiteral : .jsonNumber)
                index = end
            }
        }
        guard depth == 0 else { return nil }
        if line.text.contains(where: { $0 != " " }) { lines.append(line) }
        return lines
    }

    private static func isSpace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }

    /// A JSON string as written, with its `\u` escapes of printable characters shown as the
    /// characters ("\u00b0C" reads "°C"); other escapes stay as written, so the text is still
    /// the JSON it was. Control characters stay escaped.
    static func readableEscapes(_ raw: [UInt8]) -> [UInt8] {
        guard raw.contains(UInt8(ascii: "\\")) else { return raw }
        func hex(at index: Int) -> UInt32? {
            guard index + 6 <= raw.count, raw[index] == UInt8(ascii: "\\"), raw[index + 1] == UInt8(ascii: "u") else { return nil }
            return UInt32(String(decoding: raw[index + 2..<index + 6], as: UTF8.self), radix: 16)
        }
        var out: [UInt8] = []
        out.reserveCapacity(raw.count)
        var index = 0
        while index < raw.count {
            if raw[index] == UInt8(ascii: "\\"), index + 1 < raw.count, raw[index + 1] != UInt8(ascii: "u") {
                out += raw[index...index + 1]  // \\ or \" stays as written, and is not read as the start of \u
                index += 2
                continue
            }
            guard let code = hex(at: index) else {
                out.append(raw[index])
                index += 1
                continue
            }
            var scalar = code >= 0xA0 ? Unicode.Scalar(code) : nil
            var length = 6
            if (0xD800..<0xDC00).contains(code), let low = hex(at: index + 6), (0xDC00..<0xE000).contains(low) {
                scalar = Unicode.Scalar(0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00))
                length = 12
            }
            if let scalar {
                out += Array(String(Character(scalar)).utf8)
                index += length
            } else {
                out += raw[index..<index + 6]
                index += 6
            }
        }
        return out
    }

    /// The index of the closing quote of the string starting at `start`.
    private static func stringEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        var index = start + 1
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\\"): index += 2
            case UInt8(ascii: "\""): return index
            default: index += 1
            }
        }
        return nil
    }
}
