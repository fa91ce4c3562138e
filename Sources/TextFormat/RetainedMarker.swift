import TopicModel

/// How a topic's retained state reads: a glyph and words, never colour alone.
///
/// ◉ the value shown is the retained one; ◎ a live value is shown while a retained value is held;
/// ⊘ the retained value was cleared; ◌ the broker no longer holds it (not resent after a reconnect).
public enum RetainedMarker {
    /// One cell wide, or nil for a topic that never held a retained value.
    public static func glyph(_ state: RetainedState) -> String? {
        switch state {
        case .none: return nil
        case .shown: return "◉"
        case .held: return "◎"
        case .cleared: return "⊘"
        case .gone: return "◌"
        }
    }

    /// The glyph with words, as `hearth tree` prints it.
    public static func text(_ state: RetainedState) -> String {
        switch state {
        case .none: return ""
        case .shown: return "  ◉ retained"
        case .held: return "  ◎ retained held, live value shown"
        case .cleared: return "  ⊘ retained cleared"
        case .gone: return "  ◌ retained gone"
        }
    }

    /// A sentence for the detail pane.
    public static func sentence(_ state: RetainedState) -> String {
        switch state {
        case .none: return "not retained"
        case .shown: return "◉ retained: the broker's retained value"
        case .held: return "◎ live value; a retained value is held"
        case .cleared: return "⊘ retained value cleared"
        case .gone: return "◌ gone: the broker no longer retains it"
        }
    }
}
