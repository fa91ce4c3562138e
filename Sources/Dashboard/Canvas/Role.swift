/// What a piece of text on screen is: views draw roles, a theme decides how each looks.
public enum Role: String, CaseIterable, Sendable {
    case text, dim, title, border
    case header
    case connected = "header_connected"
    case reconnecting = "header_reconnecting"
    case failed = "header_failed"
    case branch = "tree_branch"
    case leaf = "tree_leaf"
    case counts = "tree_counts"
    case value = "tree_value"
    case selected = "tree_selected"
    case retainedShown = "retained_shown"
    case retainedHeld = "retained_held"
    case retainedCleared = "retained_cleared"
    case retainedGone = "retained_gone"
    case stale
    case offline
    case live
    case sparkline
    case jsonKey = "json_key"
    case jsonString = "json_string"
    case jsonNumber = "json_number"
    case jsonLiteral = "json_literal"
    case jsonPunctuation = "json_punctuation"
    case footer
    case footerKey = "footer_key"
    case dialog
    case dialogField = "dialog_field"
    case dialogFocus = "dialog_focus"
    case toggleOn = "dialog_toggle_on"
    case error, success, match
}
