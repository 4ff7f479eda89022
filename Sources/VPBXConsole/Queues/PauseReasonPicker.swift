import VPBXTerminal

/// `p` on the queues screen: which reason to pause the agent with. ↑/↓ pick, Enter pauses,
/// Esc cancels. Modal like `ConfirmDialog`.
public struct PauseReasonPicker: Screen {
    public let agent: String
    public let name: String
    public let reasons: [String]
    private var box: ChoiceBox

    public init(agent: String, name: String, reasons: [String]) {
        self.agent = agent
        self.name = name
        self.reasons = reasons
        self.box = ChoiceBox(title: "Pause", question: "Pause \(name) for:", verb: "pause", choices: reasons)
    }

    public var selected: Int { box.selected }
    public var isOverlay: Bool { true }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        box.draw(into: &canvas, context: context)
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        if box.move(action) { return .handled }
        switch action {
        case .choose, .confirm: return .closeAndRun(.agent(.pause(agent: agent, reason: reasons[box.selected])))
        case .cancel, .quit: return .close
        case .redraw: return .ignored
        default: return .handled
        }
    }
}
