/// Checks TOML text before TOMLKit sees it: its parser (toml++) aborts the process on a non-ASCII
/// character where a key may start (`[é`, found by fuzzing), so such text must never reach it.
enum TOMLSafety {
    /// The line (1-based) and character of the first non-ASCII character outside strings and
    /// comments, if any.
    static func firstUnsafeCharacter(in text: String) -> (line: Int, character: Unicode.Scalar)? {
        var line = 1
        var quote: Unicode.Scalar?
        var inComment = false
        var escaped = false
        for scalar in text.unicodeScalars {
            if scalar == "\n" {
                line += 1
                inComment = false
                // Basic and literal strings end with their line; multi-line ones keep their quote.
                continue
            }
            if inComment { continue }
            if let open = quote {
                if escaped { escaped = false } else if open == "\"", scalar == "\\" { escaped = true } else if scalar == open { quote = nil }
                continue
            }
            switch scalar {
            case "\"", "'": quote = scalar
            case "#": inComment = true
            case _ where !scalar.isASCII: return (line, scalar)
            default: break
            }
        }
        return nil
    }
}
