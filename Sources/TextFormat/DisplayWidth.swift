import CWCWidth

/// How many terminal cells text takes, from `wcwidth` (the terminal's own rule): CJK and most
/// emoji take two, combining marks none.
///
/// `wcwidth` follows LC_CTYPE: the terminal layer sets the locale before anything is measured.
public enum DisplayWidth {
    public static func of(_ character: Character) -> Int {
        if let ascii = character.asciiValue { return ascii >= 0x20 && ascii != 0x7F ? 1 : 0 }
        // The first scalar sets the width; later ones (combining, variation selectors) add none.
        guard let first = character.unicodeScalars.first else { return 0 }
        let width = Int(hearth_wcwidth(first.value))
        return width < 0 ? 1 : width
    }

    public static func of(_ text: String) -> Int {
        var total = 0
        for character in text { total += of(character) }
        return total
    }

    /// The longest prefix that fits in `cells`, and its width. A wide character that would
    /// straddle the edge is left out.
    public static func prefix<Text: StringProtocol>(_ text: Text, cells: Int) -> (String, Int) {
        var used = 0
        var end = text.startIndex
        for index in text.indices {
            let width = of(text[index])
            if used + width > cells { break }
            used += width
            end = text.index(after: index)
        }
        return (String(text[..<end]), used)
    }

    /// The longest suffix that fits in `cells`, found from the end (the start of a long text is
    /// never measured).
    public static func suffix(_ text: String, cells: Int) -> String {
        var used = 0
        var start = text.endIndex
        while start > text.startIndex {
            let previous = text.index(before: start)
            let width = of(text[previous])
            if used + width > cells { break }
            used += width
            start = previous
        }
        return String(text[start...])
    }

    /// Cuts text to `cells` in its middle, keeping a little more of its start than of its end:
    /// `bedro…light`.
    public static func middle(_ text: String, cells: Int) -> String {
        guard cells > 0 else { return "" }
        if of(text) <= cells { return text }
        let (start, used) = prefix(text, cells: cells / 2)
        return start + "…" + suffix(text, cells: cells - 1 - used)
    }

    /// Cuts text to `cells`, ending with "…" when something was cut.
    public static func truncate(_ text: String, cells: Int) -> String {
        guard cells > 0 else { return "" }
        if of(text) <= cells { return text }
        return prefix(text, cells: cells - 1).0 + "…"
    }

    /// True when no scalar is a control character, DEL, C1 or a bidi override.
    public static func isSafe(_ text: String) -> Bool {
        !text.unicodeScalars.contains { TerminalEscaping.isUnsafe($0.value) }
    }
}
