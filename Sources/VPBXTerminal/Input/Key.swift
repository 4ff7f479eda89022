/// A key press, with the keys a console binds named. Printable keys arrive as
/// `.character`; control characters other than tab, enter, escape and backspace as
/// `.control("l")` for Ctrl-L.
public enum Key: Sendable, Hashable, CustomStringConvertible {
    case character(Character)
    case control(Character)
    case enter, escape, tab, backTab, backspace, delete
    case up, down, left, right, home, end, pageUp, pageDown
    case function(Int)
    /// The terminal changed size; redraw with the new `Canvas.size`.
    case resize
    /// A key code this type has no name for.
    case unknown(Int)

    /// How help texts show the key: `q`, `Tab`, `↑`, `F1`, `Ctrl-L`.
    public var description: String {
        switch self {
        case .character(" "): return "Space"
        case .character(let c): return String(c)
        case .control(let c): return "Ctrl-\(c.uppercased())"
        case .enter: return "Enter"
        case .escape: return "Esc"
        case .tab: return "Tab"
        case .backTab: return "Shift-Tab"
        case .backspace: return "Backspace"
        case .delete: return "Delete"
        case .up: return "↑"
        case .down: return "↓"
        case .left: return "←"
        case .right: return "→"
        case .home: return "Home"
        case .end: return "End"
        case .pageUp: return "PgUp"
        case .pageDown: return "PgDn"
        case .function(let n): return "F\(n)"
        case .resize: return "resize"
        case .unknown(let code): return "key \(code)"
        }
    }

    /// Decodes a character as delivered by the terminal (control codes included).
    public init(character scalar: UnicodeScalar) {
        switch scalar.value {
        case 9: self = .tab
        case 10, 13: self = .enter
        case 27: self = .escape
        case 8, 127: self = .backspace
        case 1...26: self = .control(Character(UnicodeScalar(scalar.value + 96)!))
        case 0..<32: self = .unknown(Int(scalar.value))
        default: self = .character(Character(scalar))
        }
    }
}
