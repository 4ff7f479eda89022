import VPBXTerminal

/// The modal "pick one of these" box the console's pickers share (the pause reason, the
/// monitoring mode): a question, the choices with the selected one marked, and a hint line.
/// ↑/↓ move the selection; the picker decides what Enter runs.
struct ChoiceBox {
    let title: String
    let question: String
    /// What Enter does, for the hint line ("pause", "ring/switch").
    let verb: String
    let choices: [String]
    private(set) var selected = 0

    init(title: String, question: String, verb: String, choices: [String]) {
        self.title = title
        self.question = question
        self.verb = verb
        self.choices = choices
    }

    /// Moves the selection for `.up` and `.down`; false for any other action.
    mutating func move(_ action: ConsoleAction) -> Bool {
        switch action {
        case .up: selected = max(0, selected - 1)
        case .down: selected = min(choices.count - 1, selected + 1)
        default: return false
        }
        return true
    }

    func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let choose = context.keyTable.binding(for: .choose)?.keyLabel ?? "Enter"
        let cancel = context.keyTable.binding(for: .cancel)?.keys.last?.description ?? "Esc"
        let hint = "↑/↓ pick   \(choose): \(verb)   \(cancel): cancel"
        let widest = max(question.count, hint.count, (choices.map(\.count).max() ?? 0) + 2)
        let width = min(widest + 4, canvas.size.columns)
        let box = Rect.centered(height: choices.count + 5, width: width, in: canvas.size)
        canvas.drawBox(box, title: title)
        canvas.put(
            question.fitted(to: box.width - 4), row: box.row + 1, column: box.column + 2, role: .overlay, attributes: .bold)
        for (index, choice) in choices.enumerated() {
            let isSelected = index == selected
            canvas.put(
                ((isSelected ? "▸ " : "  ") + choice).fitted(to: box.width - 4), row: box.row + 2 + index,
                column: box.column + 2, role: isSelected ? .selection : .overlay)
        }
        canvas.put(
            hint.fitted(to: box.width - 4), row: box.row + box.height - 2, column: box.column + 2, role: .overlay,
            attributes: .dim)
    }
}
