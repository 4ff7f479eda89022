import Foundation
import VPBXTerminal

/// What a screen needs besides itself: the model, the time (for durations) and the keys.
public struct ScreenContext: Sendable {
    public var model: ConsoleModel
    public var now: Date
    public var keyTable: KeyTable
    /// The console user's own phone (`--extension`), where `g` picks calls up to and the
    /// agent screen logs in at.
    public var ownExtension: String?
    /// The agent a staff user also is (`--agent`); nil for agents (their own comes from
    /// `agent.self`) and for staff who take no calls.
    public var ownAgent: String?

    public init(
        model: ConsoleModel, now: Date, keyTable: KeyTable = .standard, ownExtension: String? = nil,
        ownAgent: String? = nil
    ) {
        self.model = model
        self.now = now
        self.keyTable = keyTable
        self.ownExtension = ownExtension
        self.ownAgent = ownAgent
    }

    /// Whether this console has an agent screen: agents always, staff with `--agent`.
    public var hasAgentScreen: Bool { ownAgent != nil || model.role == .agent }
}

/// What a screen did with an action.
public enum ScreenOutcome {
    /// Not for this screen: global handling applies (quit, help, refresh).
    case ignored
    /// Done; redraw.
    case handled
    /// Show another screen on top.
    case push(any Screen)
    /// Remove this screen.
    case close
    /// Remove this screen, then run the command.
    case closeAndRun(ConsoleCommand)
    /// Run a command against the engine.
    case run(ConsoleCommand)
    /// Show a one-line message in the status bar.
    case notice(String)
}

/// One screen of the console (overview, help, a question...). Screens draw into any
/// `Canvas`, so tests render them into a `GridCanvas`.
public protocol Screen {
    /// Overlays are drawn over the screen beneath; full screens hide it.
    var isOverlay: Bool { get }
    func draw<C: Canvas>(into canvas: inout C, context: ScreenContext)
    mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome
    /// Whether the help overlay over this screen lists `action`: bindings that do nothing
    /// here are left out, so every useful one fits 80×24.
    func helpLists(_ action: ConsoleAction) -> Bool
    /// True while a text field has the focus: keys then go to ``type(_:context:)`` before
    /// the key table gives them a meaning (`q` is a letter there, not quit).
    var takesText: Bool { get }
    /// A key typed into the screen's text field; `.ignored` lets the key table have it.
    mutating func type(_ key: Key, context: ScreenContext) -> ScreenOutcome
}

extension Screen {
    /// The agent screen's own actions are hidden elsewhere; everything else is listed.
    public func helpLists(_ action: ConsoleAction) -> Bool { action != .loginAll && action != .recording }

    public var takesText: Bool { false }

    public mutating func type(_ key: Key, context: ScreenContext) -> ScreenOutcome { .ignored }
}
