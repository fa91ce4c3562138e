/// Makes broker-provided bytes safe to print on a terminal.
///
/// Control characters (C0, DEL, C1), ESC and ill-formed UTF-8 become visible escapes such as
/// `\x1b` or `\u{9b}`, so a payload can never move the cursor or rewrite the screen. Newline and tab stay.
public enum TerminalEscaping {
    public static func escaped(_ bytes: [UInt8], keepNewlines: Bool = true) -> String {
        // Printable ASCII, most topic names and payloads, needs no decoding.
        if bytes.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return String(decoding: bytes, as: UTF8.self) }
        var output = ""
        output.reserveCapacity(bytes.count)
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        loop: while true {
            switch decoder.decode(&iterator) {
            case let .scalarValue(scalar):
                append(scalar, to: &output, keepNewlines: keepNewlines)
            case .error:
                output += "\u{FFFD}"
            case .emptyInput:
                break loop
            }
        }
        return output
    }

    private static func append(_ scalar: Unicode.Scalar, to output: inout String, keepNewlines: Bool) {
        let value = scalar.value
        switch value {
        case 0x0A where keepNewlines, 0x09:
            output.unicodeScalars.append(scalar)
        case 0x00..<0x20, 0x7F:
            output += "\\x" + hex(value, width: 2)
        case _ where isUnsafe(value):
            output += "\\u{" + hex(value, width: 0) + "}"
        default:
            output.unicodeScalars.append(scalar)
        }
    }

    /// C0 and C1 controls, DEL, and bidi overrides (which can reorder what is shown): what no
    /// output of Hearth's passes through raw, in text or in JSON.
    public static func isUnsafe(_ value: UInt32) -> Bool {
        switch value {
        case 0x00..<0x20, 0x7F..<0xA0, 0x202A...0x202E, 0x2066...0x2069, 0x200E, 0x200F: return true
        default: return false
        }
    }

    private static func hex(_ value: UInt32, width: Int) -> String {
        let digits = String(value, radix: 16)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
}
