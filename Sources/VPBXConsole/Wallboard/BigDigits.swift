/// A 3×5 block-character font for wallboard figures seen from across the room: digits,
/// `:`, `%` and `-`. Glyphs are separated by one blank column.
public enum BigDigits {
    public static let height = 5

    static let glyphs: [Character: [String]] = [
        "0": ["███", "█ █", "█ █", "█ █", "███"],
        "1": [" █ ", "██ ", " █ ", " █ ", "███"],
        "2": ["███", "  █", "███", "█  ", "███"],
        "3": ["███", "  █", "███", "  █", "███"],
        "4": ["█ █", "█ █", "███", "  █", "  █"],
        "5": ["███", "█  ", "███", "  █", "███"],
        "6": ["███", "█  ", "███", "█ █", "███"],
        "7": ["███", "  █", "  █", "  █", "  █"],
        "8": ["███", "█ █", "███", "█ █", "███"],
        "9": ["███", "█ █", "███", "  █", "███"],
        ":": [" ", "█", " ", "█", " "],
        "%": ["█ █", "  █", " █ ", "█  ", "█ █"],
        "-": ["   ", "   ", "███", "   ", "   "],
        " ": ["   ", "   ", "   ", "   ", "   "],
    ]

    /// The five rows of `text`; characters the font lacks are drawn as blanks.
    public static func rows(_ text: String) -> [String] {
        let shapes = text.map { glyphs[$0] ?? glyphs[" "]! }
        return (0..<height).map { row in shapes.map { $0[row] }.joined(separator: " ") }
    }

    /// Columns `text` takes.
    public static func width(_ text: String) -> Int { rows(text)[0].count }
}
