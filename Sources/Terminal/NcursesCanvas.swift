import CNcursesW
import Dashboard

/// The canvas on the real screen: draws into ncurses' `stdscr`, which the session then sends
/// out with `wnoutrefresh` and one `doupdate` (ncurses sends only the cells that changed).
public struct NcursesCanvas: Canvas {
    let window: UnsafeMutablePointer<WINDOW>
    public let width: Int
    public let height: Int
    let palette: Palette

    public mutating func draw(_ text: String, row: Int, column: Int, role: Role) {
        let wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) }
        let look = palette.look(role)
        wide.withUnsafeBufferPointer { buffer in
            _ = hearth_draw(window, Int32(row), Int32(column), buffer.baseAddress, Int32(buffer.count), look.attributes, look.pair)
        }
    }
}
