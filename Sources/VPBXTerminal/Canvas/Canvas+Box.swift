/// A rectangle of cells.
public struct Rect: Sendable, Hashable {
    public var row: Int
    public var column: Int
    public var height: Int
    public var width: Int

    public init(row: Int, column: Int, height: Int, width: Int) {
        self.row = row
        self.column = column
        self.height = height
        self.width = width
    }

    /// A `height` × `width` rectangle centred in `size` (shrunk to fit).
    public static func centered(height: Int, width: Int, in size: TerminalSize) -> Rect {
        let h = min(height, size.rows)
        let w = min(width, size.columns)
        return Rect(row: (size.rows - h) / 2, column: (size.columns - w) / 2, height: h, width: w)
    }
}

extension Canvas {
    /// Draws a filled box with a line border and an optional title in the top edge.
    public mutating func drawBox(_ rect: Rect, title: String? = nil, role: ColorRole = .overlay) {
        guard rect.height >= 2, rect.width >= 2 else { return }
        let inner = rect.width - 2
        var top = "┌" + String(repeating: "─", count: inner) + "┐"
        if let title, inner > 2 {
            let label = " \(title) ".fitted(to: min(title.count + 2, inner - 1))
            top = "┌─" + label + String(repeating: "─", count: inner - 1 - label.count) + "┐"
        }
        put(top, row: rect.row, column: rect.column, role: role, attributes: [])
        for row in rect.row + 1..<rect.row + rect.height - 1 {
            put("│" + String(repeating: " ", count: inner) + "│", row: row, column: rect.column, role: role, attributes: [])
        }
        let bottom = "└" + String(repeating: "─", count: inner) + "┘"
        put(bottom, row: rect.row + rect.height - 1, column: rect.column, role: role, attributes: [])
    }
}
