/// A key press or mouse event, as the terminal layer decodes it.
public enum Key: Sendable, Hashable {
    case character(Character)
    /// Ctrl plus a letter, lower case: `.control("s")` is Ctrl-S.
    case control(Character)
    case up, down, left, right
    case pageUp, pageDown, home, end
    case enter, tab, backTab, escape, backspace, delete
    case resize
    /// Text pasted in one go (bracketed paste): newlines in it are text, not Enter.
    case paste(String)
    /// A click at a screen cell.
    case click(row: Int, column: Int)
    case wheelUp(row: Int, column: Int)
    case wheelDown(row: Int, column: Int)
}
