import VPBXTerminal

extension WallboardScreen {
    /// One queue in block digits: waiting, longest wait and service level side by side,
    /// the other figures in a line below.
    func drawBig<C: Canvas>(_ queue: WallboardFigures, into canvas: inout C, row: Int) {
        let width = canvas.size.columns
        let title = " \(queue.queue) "
        canvas.put(
            ("──" + title + String(repeating: "─", count: max(0, width - title.count - 2))),
            row: row, column: 0, role: .heading, attributes: .bold)
        guard queue.exists else {
            canvas.put("  no such queue", row: row + 2, column: 0, role: .muted)
            return
        }
        let big: [(String, String, WallboardThresholds.Level)] = [
            ("CALLS WAITING", "\(queue.waiting)", queue.waitingLevel),
            ("LONGEST WAIT", queue.longestWaitText, queue.waitLevel),
            ("SERVICE LEVEL TODAY", queue.serviceLevelText, queue.serviceLevelLevel),
        ]
        let columnWidth = (width - 2) / big.count
        for (index, (label, value, level)) in big.enumerated() {
            let column = 2 + index * columnWidth
            let role = Self.role(level)
            canvas.put(label, row: row + 1, column: column, role: level == .normal ? .muted : role, attributes: .bold)
            for (line, text) in BigDigits.rows(value).enumerated() {
                // The theme makes alerts reverse video on monochrome terminals.
                canvas.put(text, row: row + 2 + line, column: column, role: role, attributes: .bold)
            }
        }
        let small =
            "today: answered \(queue.answered), abandoned \(queue.abandoned)      agents now: available "
            + "\(queue.available), on call \(queue.onCall), paused \(queue.paused)"
        canvas.put(("  " + small).fitted(to: width), row: row + 7, column: 0)
    }

    /// Column headings and one row per queue, for 80×24 and for many queues.
    func drawTable<C: Canvas>(_ queues: [WallboardFigures], into canvas: inout C, firstRow: Int, lastRow: Int) {
        let width = canvas.size.columns
        // Figures: waiting, longest, SL, answered, abandoned, available, on call, paused.
        let columns: [(String, Int)] = [
            ("Waiting", 8), ("Longest", 8), ("SL%", 6), ("Answered", 9), ("Abandoned", 10), ("Avail", 6),
            ("On call", 8), ("Paused", 7),
        ]
        let figuresWidth = columns.map(\.1).reduce(0, +)
        let nameWidth = max(6, width - 1 - figuresWidth)
        var heading = " " + "Queue".fitted(to: nameWidth)
        for (title, w) in columns { heading += title.fitted(to: w, alignment: .right) }
        canvas.put(heading.fitted(to: width), row: firstRow, column: 0, role: .heading, attributes: .bold)
        for (index, queue) in queues.enumerated() {
            let row = firstRow + 1 + index
            guard row <= lastRow else {
                canvas.put(
                    " … \(queues.count - index) more (a larger terminal shows them)", row: lastRow, column: 0,
                    role: .muted)
                return
            }
            canvas.put(" " + queue.queue.fitted(to: nameWidth), row: row, column: 0, role: .normal, attributes: .bold)
            guard queue.exists else {
                canvas.put("no such queue", row: row, column: 1 + nameWidth, role: .muted)
                continue
            }
            let cells: [(String, WallboardThresholds.Level)] = [
                ("\(queue.waiting)", queue.waitingLevel), (queue.longestWaitText, queue.waitLevel),
                (queue.serviceLevelText, queue.serviceLevelLevel), ("\(queue.answered)", .normal),
                ("\(queue.abandoned)", .normal), ("\(queue.available)", .normal), ("\(queue.onCall)", .normal),
                ("\(queue.paused)", .normal),
            ]
            var column = 1 + nameWidth
            for ((text, level), (_, w)) in zip(cells, columns) {
                let attributes: TextAttributes = level == .normal ? [] : .bold
                canvas.put(
                    text.fitted(to: w, alignment: .right), row: row, column: column, role: Self.role(level),
                    attributes: attributes)
                column += w
            }
        }
    }
}
