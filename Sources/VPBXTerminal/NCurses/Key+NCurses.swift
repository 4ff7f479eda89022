import CNCursesW

extension Key {
    /// Decodes an ncurses function key code (`KEY_UP`, `KEY_RESIZE`, ...).
    init(ncursesCode code: Int32) {
        switch UInt32(bitPattern: code) {
        case VPBX_KEY_UP.rawValue: self = .up
        case VPBX_KEY_DOWN.rawValue: self = .down
        case VPBX_KEY_LEFT.rawValue: self = .left
        case VPBX_KEY_RIGHT.rawValue: self = .right
        case VPBX_KEY_HOME.rawValue: self = .home
        case VPBX_KEY_END.rawValue: self = .end
        case VPBX_KEY_NPAGE.rawValue: self = .pageDown
        case VPBX_KEY_PPAGE.rawValue: self = .pageUp
        case VPBX_KEY_BTAB.rawValue: self = .backTab
        case VPBX_KEY_ENTER.rawValue: self = .enter
        case VPBX_KEY_BACKSPACE.rawValue: self = .backspace
        case VPBX_KEY_DC.rawValue: self = .delete
        case VPBX_KEY_RESIZE.rawValue: self = .resize
        case VPBX_KEY_F0.rawValue + 1...VPBX_KEY_F0.rawValue + 63:
            self = .function(Int(UInt32(bitPattern: code) - VPBX_KEY_F0.rawValue))
        default: self = .unknown(Int(code))
        }
    }
}
