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

    /// The lines shown, one per binding: keys, then what they do.
    public static func lines(for table: KeyTable, actions: Set<ConsoleAction>? = nil) -> [String] {
        let bindings = table.bindings.filter { actions?.contains($0.action) ?? true }
        let keyWidth = bindings.map(\.keyLabel.count).max() ?? 0
        return bindings.map { $0.keyLabel.fitted(to: keyWidth) + "  " + $0.summary }
    }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let lines = Self.lines(for: context.keyTable, actions: actions)
        let width = min((lines.map(\.count).max() ?? 0) + 4, canvas.size.columns)
        // Border, the bindings, the closing hint, border: every binding fits 80×24.
        let box = Rect.centered(height: lines.count + 3, width: width, in: canvas.size)
        canvas.drawBox(box, title: "Keys")
        for (offset, line) in lines.prefix(max(0, box.height - 3)).enumerated() {
            canvas.put(line.fitted(to: box.width - 4), row: box.row + 1 + offset, column: box.column + 2, role: .overlay)
        }
        canvas.put(
            "Any key closes this help".fitted(to: box.width - 4), row: box.row + box.height - 2,
            column: box.column + 2, role: .overlay, attributes: .dim)
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        action == .redraw ? .ignored : .close
    }
}
