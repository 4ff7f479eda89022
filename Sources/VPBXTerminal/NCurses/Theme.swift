/// How each `ColorRole` looks: a foreground/background pair on colour terminals and an
/// attribute set on monochrome ones. One theme for the whole console.
public struct Theme: Sendable {
    /// The eight basic curses colours; `.terminalDefault` keeps the user's own.
    public enum Color: Int16, Sendable {
        case terminalDefault = -1
        case black = 0, red, green, yellow, blue, magenta, cyan, white
    }

    public struct Style: Sendable {
        public var foreground: Color
        public var background: Color
        /// Added on colour terminals too (e.g. bold headings).
        public var attributes: TextAttributes
        /// Used instead of colours when the terminal has none.
        public var monochrome: TextAttributes

        public init(
            _ foreground: Color, _ background: Color = .terminalDefault, attributes: TextAttributes = [],
            monochrome: TextAttributes = []
        ) {
            self.foreground = foreground
            self.background = background
            self.attributes = attributes
            self.monochrome = monochrome
        }
    }

    public var styles: [ColorRole: Style]

    public init(styles: [ColorRole: Style]) { self.styles = styles }

    public func style(_ role: ColorRole) -> Style { styles[role] ?? Style(.terminalDefault) }

    /// Readable on dark and light terminals alike.
    public static let standard = Theme(styles: [
        .normal: Style(.terminalDefault),
        .header: Style(.black, .cyan, monochrome: .reverse),
        .heading: Style(.cyan, attributes: .bold, monochrome: .bold),
        .selection: Style(.black, .white, monochrome: .reverse),
        .good: Style(.green),
        .warning: Style(.yellow, attributes: .bold, monochrome: .bold),
        .danger: Style(.red, attributes: .bold, monochrome: [.bold, .underline]),
        .muted: Style(.terminalDefault, attributes: .dim, monochrome: .dim),
        .overlay: Style(.white, .blue, monochrome: .reverse),
        .alert: Style(.white, .red, attributes: .bold, monochrome: [.bold, .reverse]),
    ])
}
