extension NCursesScreen {
    /// Shows a frame rendered into a `GridCanvas`: only rows that differ from the frame on
    /// show are written, then one terminal update. A size change repaints everything.
    public func present(_ frame: GridCanvas) {
        let full = shownFrame?.size != frame.size || size != frame.size
        if full { clear() }
        for row in 0..<frame.size.rows {
            if !full, shownFrame?.cells[row] == frame.cells[row] { continue }
            writeRow(frame.cells[row], row: row)
        }
        shownFrame = frame
        flush()
    }

    /// Writes a row as runs of cells sharing a style.
    private func writeRow(_ cells: [GridCanvas.Cell], row: Int) {
        var start = 0
        while start < cells.count {
            let style = (cells[start].role, cells[start].attributes)
            var end = start + 1
            while end < cells.count, (cells[end].role, cells[end].attributes) == style { end += 1 }
            put(String(cells[start..<end].map(\.character)), row: row, column: start, role: style.0, attributes: style.1)
            start = end
        }
    }
}
