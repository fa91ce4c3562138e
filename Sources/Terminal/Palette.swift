import CNcursesW
import Dashboard
import Foundation

/// The theme brought down to what this terminal can show: a colour pair and attributes per role.
///
/// Colour depth comes from terminfo (8, 16, 256, or direct colour); `NO_COLOR` or a terminal
/// without colour gets attributes only, so retained markers still differ by glyph and weight.
struct Palette {
    struct Look {
        var attributes: attr_t
        var pair: Int32
    }

    enum Depth: Equatable {
        case none
        case palette(Int)
        case direct
    }

    private var looks: [Role: Look] = [:]
    let depth: Depth

    /// Sets up colour pairs; call after `initscr`.
    init(theme: Theme, environment: [String: String]) {
        let noColor = !(environment["NO_COLOR"] ?? "").isEmpty
        if noColor || !has_colors() {
            depth = .none
        } else {
            start_color()
            use_default_colors()
            let colors = Int(hearth_colors())
            depth = colors >= 0x1000000 ? .direct : .palette(colors)
        }
        var pairs: [String: Int32] = [:]
        for role in Role.allCases {
            let style = theme.style(role)
            var attributes = hearth_a_normal()
            if style.bold { attributes |= hearth_a_bold() }
            if style.dim { attributes |= hearth_a_dim() }
            if style.underline { attributes |= hearth_a_underline() }
            if style.reverse { attributes |= hearth_a_reverse() }
            var pair: Int32 = 0
            if depth != .none {
                let foreground = Self.color(style.foreground, depth: depth)
                let background = Self.color(style.background, depth: depth)
                if foreground != -1 || background != -1 {
                    let key = "\(foreground)/\(background)"
                    if let existing = pairs[key] {
                        pair = existing
                    } else if pairs.count + 1 < Int(hearth_color_pairs()) {
                        pair = Int32(pairs.count + 1)
                        pairs[key] = pair
                        init_extended_pair(pair, foreground, background)
                    }
                }
            }
            looks[role] = Look(attributes: attributes, pair: pair)
        }
    }

    func look(_ role: Role) -> Look { looks[role] ?? Look(attributes: hearth_a_normal(), pair: 0) }

    private static func color(_ color: ThemeColor, depth: Depth) -> Int32 {
        switch depth {
        case .none: return -1
        case .direct: return color.rgbValue.map(Int32.init) ?? -1
        case let .palette(count): return Int32(color.index(forPalette: count))
        }
    }
}
