/// How each role looks: colours and attributes. Every theme defines every role.
public struct Theme: Sendable, Equatable {
    public struct Style: Sendable, Hashable {
        public var foreground: ThemeColor = .terminalDefault
        public var background: ThemeColor = .terminalDefault
        public var bold = false
        public var dim = false
        public var underline = false
        public var reverse = false

        public init(foreground: ThemeColor = .terminalDefault, background: ThemeColor = .terminalDefault,
                    bold: Bool = false, dim: Bool = false, underline: Bool = false, reverse: Bool = false) {
            self.foreground = foreground
            self.background = background
            self.bold = bold
            self.dim = dim
            self.underline = underline
            self.reverse = reverse
        }
    }

    public var name: String
    public var styles: [Role: Style]

    public func style(_ role: Role) -> Style { styles[role] ?? Style() }

    /// The theme used when none is named and no theme file can be found: the same as
    /// `themes/default.toml` (a test keeps them equal).
    public static let builtIn: Theme = {
        let text = Style(), dim = Style(dim: true), bold = Style(bold: true)
        func color(_ name: String, bold: Bool = false, reverse: Bool = false, underline: Bool = false) -> Style {
            Style(foreground: ThemeColor(name)!, bold: bold, underline: underline, reverse: reverse)
        }
        let styles: [Role: Style] = [
            .text: text, .dim: dim, .title: bold, .border: color("blue"),
            .header: Style(reverse: true), .connected: color("green", bold: true, reverse: true),
            .reconnecting: color("yellow", bold: true, reverse: true), .failed: color("red", bold: true, reverse: true),
            .branch: color("blue", bold: true), .leaf: text, .counts: dim, .value: color("cyan"), .selected: Style(reverse: true),
            .retainedShown: color("green", bold: true), .retainedHeld: color("yellow", bold: true),
            .retainedCleared: color("red", bold: true), .retainedGone: color("magenta"),
            .stale: color("yellow", bold: true), .offline: color("red", bold: true), .live: color("cyan"), .sparkline: color("magenta"),
            .jsonKey: color("blue", bold: true), .jsonString: color("green"), .jsonNumber: color("cyan"),
            .jsonLiteral: color("magenta"), .jsonPunctuation: dim,
            .footer: Style(reverse: true), .footerKey: Style(bold: true, reverse: true),
            .dialog: text, .dialogField: Style(underline: true), .dialogFocus: Style(bold: true, reverse: true),
            .toggleOn: color("green", bold: true), .error: color("red", bold: true), .success: color("green", bold: true),
            .match: color("yellow", bold: true, underline: true),
        ]
        return Theme(name: "default", styles: styles)
    }()
}
