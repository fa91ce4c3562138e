/// An editable line (or, when multi-line, lines) of text with a cursor at the end.
///
/// Editing is append and delete at the end: what a prompt and a short payload need. Pasted text
/// arrives as characters and is inserted as typed.
public struct TextField: Sendable, Equatable {
    public private(set) var text: String
    public let multiline: Bool
    /// Longest accepted text, so a runaway paste cannot grow without bound.
    public static let maximumLength = 256 * 1024

    public init(_ text: String = "", multiline: Bool = false) {
        self.text = text
        self.multiline = multiline
    }

    /// Applies an editing key; returns false when the key is not an edit.
    public mutating func edit(_ key: Key) -> Bool {
        switch key {
        case let .character(character):
            guard text.utf8.count < Self.maximumLength else { return true }
            // A paste into a one-line field turns its newlines into spaces.
            text.append(!multiline && character.isNewline ? " " : character)
        case let .paste(pasted):
            let room = Self.maximumLength - text.utf8.count
            guard room > 0 else { return true }
            var clipped = String(decoding: pasted.utf8.prefix(room), as: UTF8.self)
            if !multiline { clipped = String(clipped.map { $0.isNewline ? " " : $0 }) }
            text += clipped
        case .backspace, .delete:
            if !text.isEmpty { text.removeLast() }
        case .control("u"):
            text = ""
        case .control("w"):
            while text.last == " " { text.removeLast() }
            while let last = text.last, last != " ", last != "/" { text.removeLast() }
        case .enter where multiline:
            text.append("\n")
        default:
            return false
        }
        return true
    }
}
