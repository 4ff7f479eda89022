import VPBXTerminal

/// `?`: every binding of the key table in a box over the current screen. Any key closes it.
public struct HelpOverlay: Screen {
    /// The actions listed; nil: every binding.
    public let actions: Set<ConsoleAction>?

    public init(actions: Set<ConsoleAction>? = nil) { self.actions = actions }

    /// Help over `screen`: the bindings that do something there.
    public init(over screen: any Screen) {
        actions = Set(ConsoleAction.allCases.filter(screen.helpLists))
    }

    public var isOverlay: Bool { true }

    /// The lines shown, one per binding (consecutive bindings with one summary share a line,
    /// as PgUp and PgDn do): keys, then what they do.
    public static func lines(for table: KeyTable, actions: Set<ConsoleAction>? = nil) -> [String] {
        var entries: [(keys: String, summary: String)] = []
        for binding in table.bindings where actions?.contains(binding.action) ?? true {
            if let last = entries.last, last.summary == binding.summary {
                entries[entries.count - 1].keys += "/" + binding.keyLabel
            } else {
                entries.append((binding.keyLabel, binding.summary))
            }
        }
        let keyWidth = entries.map(\.keys.count).max() ?? 0
        return entries.map { $0.keys.fitted(to: keyWidth) + "  " + $0.summary }
    }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let lines = Self.lines(for: context.keyTable, actions: actions)
        let title = "Keys - any key closes this help"
        let width = min(max((lines.map(\.count).max() ?? 0) + 4, title.count + 6), canvas.size.columns)
        // Border, the bindings, border: every binding fits 80×24 (22 rows of keys). The
        // closing hint is in the title, which costs no row.
        let box = Rect.centered(height: lines.count + 2, width: width, in: canvas.size)
        canvas.drawBox(box, title: title)
        for (offset, line) in lines.prefix(max(0, box.height - 2)).enumerated() {
            canvas.put(line.fitted(to: box.width - 4), row: box.row + 1 + offset, column: box.column + 2, role: .overlay)
        }
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        action == .redraw ? .ignored : .close
    }
}
