import VPBXControl
import VPBXTerminal

/// `m` on the queues screen: listen, whisper or barge on the selected agent's call, from the
/// user's own phone (`--extension`). ↑/↓ pick, Enter starts (or switches), Esc cancels.
public struct MonitorModePicker: Screen {
    public let extensionNumber: String
    public let supervisor: String
    public let name: String
    public private(set) var selected = 0

    static let choices: [(mode: MonitorModeName, text: String)] = [
        (.listen, "listen   (nobody hears you)"),
        (.whisper, "whisper  (only the agent hears you)"),
        (.barge, "barge    (agent and caller hear you)"),
    ]

    public init(extensionNumber: String, supervisor: String, name: String) {
        self.extensionNumber = extensionNumber
        self.supervisor = supervisor
        self.name = name
    }

    public var isOverlay: Bool { true }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let choose = context.keyTable.binding(for: .choose)?.keyLabel ?? "Enter"
        let cancel = context.keyTable.binding(for: .cancel)?.keys.last?.description ?? "Esc"
        let question = "\(name), call at \(extensionNumber), from your phone \(supervisor):"
        let hint = "↑/↓ pick   \(choose): ring/switch   \(cancel): cancel"
        let width = min(max(question.count, hint.count, 40) + 4, canvas.size.columns)
        let box = Rect.centered(height: Self.choices.count + 5, width: width, in: canvas.size)
        canvas.drawBox(box, title: "Listen in")
        canvas.put(
            question.fitted(to: box.width - 4), row: box.row + 1, column: box.column + 2, role: .overlay, attributes: .bold)
        for (index, choice) in Self.choices.enumerated() {
            let isSelected = index == selected
            canvas.put(
                ((isSelected ? "▸ " : "  ") + choice.text).fitted(to: box.width - 4), row: box.row + 2 + index,
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
            selected = min(Self.choices.count - 1, selected + 1)
            return .handled
        case .choose, .confirm:
            return .closeAndRun(
                .monitor(extensionNumber: extensionNumber, supervisor: supervisor, mode: Self.choices[selected].mode))
        case .cancel, .quit: return .close
        case .redraw: return .ignored
        default: return .handled
        }
    }
}
