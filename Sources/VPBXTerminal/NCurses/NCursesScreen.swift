import CNCursesW

/// The real terminal, through ncursesw. Create one, draw with the `Canvas` methods, call
/// `flush()` once per frame, and `end()` when done (also run on `exit()`; signals are the
/// owner's job, see `TerminalSignals`).
///
/// Not thread-safe, like curses itself: create and use it on one thread (the console's
/// main actor).
public final class NCursesScreen: Canvas {
    public let hasColors: Bool
    private let theme: Theme
    private var ended = false
    /// What is on the terminal now, for `present(_:)`; nil forces a full repaint.
    var shownFrame: GridCanvas?

    /// Enters curses mode: locale from the environment (so UTF-8 names render), cbreak,
    /// no echo, keypad, hidden cursor, colours when the terminal has them.
    public init(theme: Theme = .standard) {
        _ = vpbx_set_locale()  // before initscr, or ncursesw treats ő as two bytes
        vpbx_register_endwin_at_exit()
        initscr()
        cbreak()
        noecho()
        nonl()
        keypad(vpbx_stdscr(), true)
        intrflush(vpbx_stdscr(), false)
        curs_set(0)
        set_escdelay(25)
        self.theme = theme
        hasColors = has_colors()
        if hasColors {
            start_color()
            use_default_colors()
            for role in ColorRole.allCases {
                let style = theme.style(role)
                init_pair(Int16(role.rawValue + 1), style.foreground.rawValue, style.background.rawValue)
            }
        }
    }

    deinit { end() }

    public var size: TerminalSize { TerminalSize(rows: Int(vpbx_lines()), columns: Int(vpbx_cols())) }

    public func clear() { werase(vpbx_stdscr()) }

    public func put(_ text: String, row: Int, column: Int, role: ColorRole, attributes: TextAttributes) {
        let size = self.size
        guard !ended, row >= 0, row < size.rows, column < size.columns, !text.isEmpty else { return }
        var visible = Substring(text)
        var col = column
        if col < 0 {
            visible = visible.dropFirst(-col)
            col = 0
        }
        visible = visible.prefix(size.columns - col)
        let wide = visible.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
        let style = theme.style(role)
        let attrs = cursesAttributes(hasColors ? attributes.union(style.attributes) : attributes.union(style.monochrome))
        let pair = hasColors ? Int32(role.rawValue + 1) : 0
        // The bottom-right cell makes curses report ERR (it cannot scroll); the text is written anyway.
        _ = vpbx_put(Int32(row), Int32(col), wide, Int32(wide.count - 1), attrs, pair)
    }

    /// Shows what was drawn since the last flush; curses sends only the changed cells.
    public func flush() {
        guard !ended else { return }
        wrefresh(vpbx_stdscr())
    }

    /// Repaints the whole terminal on the next flush (Ctrl-L, after garbage on screen).
    public func invalidate() {
        guard !ended else { return }
        shownFrame = nil
        clearok(vpbx_stdscr(), true)
    }

    /// The next pending key, without waiting; nil when none.
    public func readKey() -> Key? {
        guard !ended else { return nil }
        var value: Int32 = 0
        switch vpbx_read_key(&value) {
        case 1: return UnicodeScalar(UInt32(bitPattern: value)).map(Key.init(character:)) ?? .unknown(Int(value))
        case 2: return Key(ncursesCode: value)
        default: return nil
        }
    }

    /// Leaves curses mode and restores the terminal. Safe to call more than once.
    public func end() {
        guard !ended else { return }
        ended = true
        if vpbx_is_curses_active() != 0 {
            curs_set(1)
            endwin()
        }
    }

    private func cursesAttributes(_ attributes: TextAttributes) -> Int32 {
        var value: Int32 = 0
        if attributes.contains(.bold) { value |= vpbx_attr_bold() }
        if attributes.contains(.reverse) { value |= vpbx_attr_reverse() }
        if attributes.contains(.dim) { value |= vpbx_attr_dim() }
        if attributes.contains(.underline) { value |= vpbx_attr_underline() }
        return value
    }
}
