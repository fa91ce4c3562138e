/// Turns a bracketed paste (ESC [200~ … ESC [201~, which the terminal sends around pasted text
/// once asked to) into one `.paste` key, so a pasted newline never acts as Enter.
///
/// Feed it each batch of keys as read; a paste may span batches.
public struct PasteAssembler: Sendable {
    private static let start: [Key] = [.escape, .character("["), .character("2"), .character("0"), .character("0"), .character("~")]
    private static let end: [Key] = [.escape, .character("["), .character("2"), .character("0"), .character("1"), .character("~")]
    /// Longest paste kept, so an endless one cannot grow without bound.
    public static let maximumLength = 1024 * 1024

    /// Text of a paste whose end marker has not arrived yet.
    private var pasting: String?

    public init() {}

    public mutating func assemble(_ keys: [Key]) -> [Key] {
        var out: [Key] = []
        var index = 0
        while index < keys.count {
            if pasting != nil {
                if Self.matches(Self.end, in: keys, at: index) {
                    out.append(.paste(pasting ?? ""))
                    pasting = nil
                    index += Self.end.count
                    continue
                }
                if let text = Self.text(of: keys[index]), (pasting?.utf8.count ?? 0) < Self.maximumLength { pasting? += text }
                index += 1
            } else if Self.matches(Self.start, in: keys, at: index) {
                pasting = ""
                index += Self.start.count
            } else {
                out.append(keys[index])
                index += 1
            }
        }
        return out
    }

    private static func matches(_ marker: [Key], in keys: [Key], at index: Int) -> Bool {
        index + marker.count <= keys.count && Array(keys[index..<(index + marker.count)]) == marker
    }

    /// What a key inside a paste stands for.
    private static func text(of key: Key) -> String? {
        switch key {
        case let .character(character): return String(character)
        case .enter: return "\n"
        case .tab: return "\t"
        default: return nil
        }
    }
}
