/// Turns a bracketed paste (ESC [200~ … ESC [201~, which the terminal sends around pasted text
/// once asked to) into one `.paste` key, so a pasted newline never acts as Enter.
///
/// Feed it each batch of keys as read. Reads split wherever the link splits them (over SSH, in
/// the middle of a marker), so a paste and each of its markers may span batches. Two rules keep
/// the keyboard alive whatever arrives: Ctrl-C always gets through (it ends a paste), and a paste
/// whose end marker has not come within `timeout` seconds of its last input ends by itself.
public struct PasteAssembler: Sendable {
    private static let start: [Key] = [.escape, .character("["), .character("2"), .character("0"), .character("0"), .character("~")]
    private static let end: [Key] = [.escape, .character("["), .character("2"), .character("0"), .character("1"), .character("~")]
    /// Longest paste kept, so an endless one cannot grow without bound.
    public static let maximumLength = 1024 * 1024
    /// Seconds without input after which an open paste ends, its end marker lost.
    public static let timeout = 1.0

    /// Text of a paste whose end marker has not arrived yet.
    private var pasting: String?
    /// The first keys of a marker that ended the last batch, held until the next shows the rest.
    private var held: [Key] = []
    /// When the last batch arrived (seconds, any clock that moves forward).
    private var lastInput = -Double.infinity

    public init() {}

    public mutating func assemble(_ batch: [Key], now: Double) -> [Key] {
        var out: [Key] = []
        if let text = pasting, now - lastInput > Self.timeout {
            // The end marker was lost: what came is the paste, and keys work again.
            out.append(.paste(text + held.compactMap(Self.text(of:)).joined()))
            pasting = nil
            held = []
        }
        // Only input moves the clock: the program also calls this with empty batches when it wakes.
        if !batch.isEmpty { lastInput = now }
        let keys = held + batch
        held = []
        var index = 0
        while index < keys.count {
            let key = keys[index]
            if key == .control("c") {
                pasting = nil
                out.append(key)
                index += 1
                continue
            }
            let marker = pasting == nil ? Self.start : Self.end
            if Self.matches(marker, in: keys, at: index) {
                if let text = pasting { out.append(.paste(text)) }
                pasting = pasting == nil ? "" : nil
                index += marker.count
                continue
            }
            // A marker cut by the end of the batch. Outside a paste only from ESC [ on, so that a
            // lone Escape press is never held back.
            if Self.isCut(marker, in: keys, at: index), pasting != nil || keys.count - index >= 2 {
                held = Array(keys[index...])
                break
            }
            if pasting == nil {
                out.append(key)
            } else if let text = Self.text(of: key), (pasting?.utf8.count ?? 0) < Self.maximumLength {
                pasting? += text
            }
            index += 1
        }
        return out
    }

    private static func matches(_ marker: [Key], in keys: [Key], at index: Int) -> Bool {
        index + marker.count <= keys.count && keys[index..<(index + marker.count)].elementsEqual(marker)
    }

    /// Whether the keys from `index` to the end are the start of `marker`, without all of it.
    private static func isCut(_ marker: [Key], in keys: [Key], at index: Int) -> Bool {
        let rest = keys.count - index
        return rest < marker.count && keys[index...].elementsEqual(marker.prefix(rest))
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
