/// An in-memory canvas: what tests render into and read back.
public struct GridCanvas: Canvas, Sendable {
    /// One terminal cell.
    public struct Cell: Sendable, Hashable {
        public var character: Character
        public var role: ColorRole
        public var attributes: TextAttributes

        public static let blank = Cell(character: " ", role: .normal, attributes: [])
    }

    public private(set) var size: TerminalSize
    public private(set) var cells: [[Cell]]

    public init(rows: Int, columns: Int) {
        size = TerminalSize(rows: rows, columns: columns)
        cells = Array(repeating: Array(repeating: .blank, count: size.columns), count: size.rows)
    }

    public mutating func clear() {
        cells = Array(repeating: Array(repeating: .blank, count: size.columns), count: size.rows)
    }

    public mutating func put(_ text: String, row: Int, column: Int, role: ColorRole, attributes: TextAttributes) {
        guard row >= 0, row < size.rows else { return }
        var col = column
        for character in text {
            if col >= size.columns { break }
            if col >= 0 { cells[row][col] = Cell(character: character, role: role, attributes: attributes) }
            col += 1
        }
    }

    /// The text of one row, trailing spaces kept.
    public func line(_ row: Int) -> String {
        String(cells[row].map(\.character))
    }

    /// Every row, trailing spaces removed: handy for assertions and failure messages.
    public var lines: [String] {
        (0..<size.rows).map { row in
            var text = line(row)
            while text.last == " " { text.removeLast() }
            return text
        }
    }

    /// All rows joined by newlines.
    public var text: String { lines.joined(separator: "\n") }

    /// The first row containing `needle`, or nil.
    public func row(containing needle: String) -> Int? {
        lines.firstIndex { $0.contains(needle) }
    }
}
