import CNcursesW
import Dashboard

/// Turns what `wget_wch` returns into keys.
enum KeyDecoder {
    static func key(status: Int32, code: UInt32) -> Key? {
        if status == KEY_CODE_YES { return function(Int32(code)) }
        guard status == OK else { return nil }
        switch code {
        case 0x0D, 0x0A: return .enter
        case 0x09: return .tab
        case 0x1B: return .escape
        case 0x7F, 0x08: return .backspace
        case 0x01...0x1A: return .control(Character(Unicode.Scalar(code + 0x60)!))
        case 0x00..<0x20: return nil
        default:
            guard let scalar = Unicode.Scalar(code) else { return nil }
            return .character(Character(scalar))
        }
    }

    private static func function(_ code: Int32) -> Key? {
        switch code {
        case KEY_UP: return .up
        case KEY_DOWN: return .down
        case KEY_LEFT: return .left
        case KEY_RIGHT: return .right
        case KEY_PPAGE: return .pageUp
        case KEY_NPAGE: return .pageDown
        case KEY_HOME: return .home
        case KEY_END: return .end
        case KEY_ENTER: return .enter
        case KEY_BTAB: return .backTab
        case KEY_BACKSPACE: return .backspace
        case KEY_DC: return .delete
        case KEY_RESIZE: return .resize
        case KEY_MOUSE: return mouse()
        default: return nil
        }
    }

    private static func mouse() -> Key? {
        var event = MEVENT()
        guard getmouse(&event) == OK else { return nil }
        let (row, column) = (Int(event.y), Int(event.x))
        if event.bstate & hearth_wheel_up() != 0 { return .wheelUp(row: row, column: column) }
        let down = hearth_wheel_down()
        if down != 0, event.bstate & down != 0 { return .wheelDown(row: row, column: column) }
        if event.bstate & hearth_button1_pressed() != 0 { return .click(row: row, column: column) }
        return nil
    }
}
