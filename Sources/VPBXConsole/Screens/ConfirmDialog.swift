import VPBXTerminal

/// A yes/no question in a box; `y` runs the command, anything else closes it. Modal:
/// no action reaches the screen beneath while it is shown.
public struct ConfirmDialog: Screen {
    public let question: String
    public let command: ConsoleCommand

    public init(question: String, command: ConsoleCommand) {
        self.question = question
        self.command = command
    }

    public var isOverlay: Bool { true }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let yes = context.keyTable.binding(for: .confirm)?.keys.first?.description ?? "y"
        let no = context.keyTable.binding(for: .cancel)?.keyLabel ?? "n"
        let answer = "\(yes): yes   \(no): no"
        let width = min(max(question.count, answer.count) + 4, canvas.size.columns)
        let box = Rect.centered(height: 5, width: width, in: canvas.size)
        canvas.drawBox(box, title: "Confirm")
        canvas.put(question.fitted(to: box.width - 4), row: box.row + 1, column: box.column + 2, role: .overlay, attributes: .bold)
        canvas.put(answer.fitted(to: box.width - 4), row: box.row + 3, column: box.column + 2, role: .overlay)
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        switch action {
        case .confirm: return .closeAndRun(command)
        case .redraw: return .ignored
        default: return .close
        }
    }
}
