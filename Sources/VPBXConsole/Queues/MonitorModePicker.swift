import VPBXControl
import VPBXTerminal

/// `m` on the queues screen: listen, whisper or barge on the selected agent's call, from the
/// user's own phone (`--extension`). ↑/↓ pick, Enter starts (or switches), Esc cancels.
public struct MonitorModePicker: Screen {
    public let extensionNumber: String
    public let supervisor: String
    public let name: String
    private var box: ChoiceBox

    static let modes: [(mode: MonitorModeName, text: String)] = [
        (.listen, "listen   (nobody hears you)"),
        (.whisper, "whisper  (only the agent hears you)"),
        (.barge, "barge    (agent and caller hear you)"),
    ]

    public init(extensionNumber: String, supervisor: String, name: String) {
        self.extensionNumber = extensionNumber
        self.supervisor = supervisor
        self.name = name
        self.box = ChoiceBox(
            title: "Listen in", question: "\(name), call at \(extensionNumber), from your phone \(supervisor):",
            verb: "ring/switch", choices: Self.modes.map(\.text))
    }

    public var selected: Int { box.selected }
    public var isOverlay: Bool { true }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        box.draw(into: &canvas, context: context)
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        if box.move(action) { return .handled }
        switch action {
        case .choose, .confirm:
            return .closeAndRun(
                .monitor(extensionNumber: extensionNumber, supervisor: supervisor, mode: Self.modes[box.selected].mode))
        case .cancel, .quit: return .close
        case .redraw: return .ignored
        default: return .handled
        }
    }
}
