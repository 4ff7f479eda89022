/// Rows and columns of a drawing surface.
public struct TerminalSize: Sendable, Hashable, CustomStringConvertible {
    public var rows: Int
    public var columns: Int

    public init(rows: Int, columns: Int) {
        self.rows = max(0, rows)
        self.columns = max(0, columns)
    }

    public var description: String { "\(columns)x\(rows)" }
}

/// Something screens draw into: the real terminal (`NCursesScreen`) or an in-memory grid
/// (`GridCanvas`) in tests. Coordinates are zero-based; text that does not fit is clipped.
///
/// One `Character` takes one column. That is exact for Latin scripts including Hungarian
/// (ő, ű, combining marks); East Asian wide characters would need two and are not laid out
/// specially yet.
public protocol Canvas {
    /// The current size; may change between frames (terminal resize).
    var size: TerminalSize { get }
    /// Blanks every cell.
    mutating func clear()
    /// Writes `text` from (`row`, `column`) to the right, clipped at the right edge.
    mutating func put(_ text: String, row: Int, column: Int, role: ColorRole, attributes: TextAttributes)
}

extension Canvas {
    /// `put` with no extra attributes.
    public mutating func put(_ text: String, row: Int, column: Int, role: ColorRole = .normal) {
        put(text, row: row, column: column, role: role, attributes: [])
    }

    /// Fills a whole row with `text` padded (or cut) to the width, e.g. a title bar.
    public mutating func fillRow(
        _ row: Int, with text: String = "", role: ColorRole = .normal, attributes: TextAttributes = []
    ) {
        put(text.fitted(to: size.columns), row: row, column: 0, role: role, attributes: attributes)
    }
}
