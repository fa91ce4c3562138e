/// Checks a theme's text before TOMLKit sees it. Its parser (toml++) aborts the process, instead
/// of reporting an error, on a table header that does not start with a key (`[=`, `[.a]`), on a
/// non-ASCII character where a key may start (`[é`), and on some broken arrays (`t = [}`); all
/// found by fuzzing. A theme needs none of these: its keys are ASCII and it has no arrays.
enum ThemeTextCheck {
    /// The first line (1-based) that would reach those aborts, and why; nil for text TOMLKit
    /// can be given.
    static func problem(in text: String) -> (line: Int, reason: String)? {
        // Multi-line strings would need a real tokenizer to skip; a theme has no use for them.
        for delimiter in ["\"\"\"", "\'\'\'"] {
            if let range = text.range(of: delimiter) {
                return (text[..<range.lowerBound].filter { $0 == "\n" }.count + 1, "a theme has no multi-line strings")
            }
        }
        var line = 1
        var quote: Unicode.Scalar?
        var inComment = false
        var escaped = false
        var lineStart = true
        var scalars = text.unicodeScalars.makeIterator()
        var pending: Unicode.Scalar?
        while let scalar = pending ?? scalars.next() {
            pending = nil
            if scalar == "\n" {
                line += 1
                inComment = false
                lineStart = true
                continue
            }
            if inComment || scalar == "\u{FEFF}" && line == 1 && lineStart { continue }
            if let open = quote {
                if escaped { escaped = false } else if open == "\"", scalar == "\\" { escaped = true } else if scalar == open { quote = nil }
                continue
            }
            if lineStart, scalar == " " || scalar == "\t" { continue }
            if lineStart, scalar == "[" {
                // A table header: its first key starts after "[" or "[[" and any blanks.
                lineStart = false
                var next = scalars.next()
                if next == "[" { next = scalars.next() }
                while next == " " || next == "\t" { next = scalars.next() }
                guard let first = next, first == "\"" || first == "'" || isBareKeyCharacter(first) else {
                    return (line, "a table header must start with a key")
                }
                pending = first
                continue
            }
            lineStart = false
            switch scalar {
            case "\"", "'": quote = scalar
            case "#": inComment = true
            case "[": return (line, "a theme has no arrays")
            case _ where !scalar.isASCII:
                return (line, "unexpected U+" + String(scalar.value, radix: 16, uppercase: true)
                        + " (only strings and comments may hold non-ASCII text)")
            default: break
            }
        }
        return nil
    }

    private static func isBareKeyCharacter(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCII && (scalar.properties.isAlphabetic || ("0"..."9").contains(scalar) || scalar == "_" || scalar == "-")
    }
}
