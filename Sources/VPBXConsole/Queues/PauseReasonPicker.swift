import VPBXTerminal

/// `p` on the queues screen: which reason to pause the agent with. ↑/↓ pick, Enter pauses,
/// Esc cancels. Modal like `ConfirmDialog`.
public struct PauseReasonPicker: Screen {
    public let agent: String
    public let name: String
    public let reasons: [String]
    public private(set) var selected = 0

    public init(agent: String, name: String, reasons: [String]) {
        self.agent = agent
        self.name = name
        self.reasons = reasons
    }

    public var isOverlay: Bool { true }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let choose = context.keyTable.binding(for: .choose)?.keyLabel ?? "Enter"
        let cancel = context.keyTable.binding(for: .cancel)?.keys.last?.description ?? "Esc"
        let question = "Pause \(name) for:"
        let hint = "↑/↓ pick   \(choose): pause   \(cancel): cancel"
        let width = min(max(question.count, hint.count) + 4, canvas.size.columns)
        let box = Rect.centered(height: reasons.count + 5, width: width, in: canvas.size)
        canvas.drawBox(box, title: "Pause")
        canvas.put(
            question.fitted(to: box.width - 4), row: box.row + 1, column: box.column + 2, role: .overlay,
            attributes: .bold)
        for (index, reason) in reasons.enumerated() {
            let isSelected = index == selected
            canvas.put(
                ((isSelected ? "▸ " : "  ") + reason).fitted(to: box.width - 4), row: box.row + 2 + index,
                column: box.column + 2, role: isSelected ? .selection : .overlay)
        }
        canvas.put(
            hint.fitted(to: box.width - 4), row: box.row + box.height - 2, column: box.column + 2, role: .overlay,
            attributes: .dim)
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        switch action {
        case .up:
            selected = max(0, selected - 1)
            return .handled
        case .down:
            selected = min(reasons.count - 1, selected + 1)
            return .handled
        case .choose, .confirm:
            return .closeAndRun(.agent(.pause(agent: agent, reason: reasons[selected])))
        case .cancel, .quit: return .close
        case .redraw: return .ignored
        default: return .handled
        }
    }
}
