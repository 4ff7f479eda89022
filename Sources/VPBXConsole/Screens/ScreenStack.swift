import VPBXTerminal

/// The screens on show, bottom to top. Actions go to the top screen; what it ignores gets
/// the global meaning (quit, help, refresh).
public struct ScreenStack {
    /// What the controller should do after an action.
    public enum Result: Sendable, Equatable {
        case none
        case redraw
        case run(ConsoleCommand)
        case notice(String)
        case quit
    }

    public private(set) var screens: [any Screen]
    /// Root screens switched away from (`1`, `2`), by type, so that switching back finds
    /// its focus and selection as they were.
    private var parkedRoots: [ObjectIdentifier: any Screen] = [:]

    public init(root: any Screen) { screens = [root] }

    public var top: any Screen { screens[screens.count - 1] }

    /// Clears the canvas and draws the topmost full screen and every overlay above it.
    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        canvas.clear()
        let start = screens.lastIndex { !$0.isOverlay } ?? 0
        for screen in screens[start...] { screen.draw(into: &canvas, context: context) }
    }

    /// Replaces the bottom screen (switching between overview, queues and wallboard);
    /// overlays above it stay.
    public mutating func replaceRoot(_ screen: any Screen) {
        screens[0] = screen
    }

    /// Shows the parked root of type `S` (or a new one) and parks the current root.
    private mutating func switchRoot<S: Screen>(to _: S.Type, make: () -> S) {
        let current = screens[0]
        parkedRoots[ObjectIdentifier(Swift.type(of: current))] = current
        screens[0] = parkedRoots.removeValue(forKey: ObjectIdentifier(S.self)) ?? make()
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> Result {
        let index = screens.count - 1
        let outcome = screens[index].handle(action, context: context)
        if case .ignored = outcome { return handleGlobally(action, context: context) }
        return apply(outcome)
    }

    /// A key for the top screen's text field, when it has one (``Screen/takesText``); nil
    /// when the screen leaves the key to the key table.
    public mutating func type(_ key: Key, context: ScreenContext) -> Result? {
        let index = screens.count - 1
        guard screens[index].takesText else { return nil }
        let outcome = screens[index].type(key, context: context)
        if case .ignored = outcome { return nil }
        return apply(outcome)
    }

    private mutating func apply(_ outcome: ScreenOutcome) -> Result {
        switch outcome {
        case .ignored: return .none
        case .handled: return .redraw
        case .push(let screen):
            screens.append(screen)
            return .redraw
        case .close:
            pop()
            return .redraw
        case .closeAndRun(let command):
            pop()
            return .run(command)
        case .run(let command): return .run(command)
        case .notice(let text): return .notice(text)
        }
    }

    private mutating func handleGlobally(_ action: ConsoleAction, context: ScreenContext) -> Result {
        switch action {
        case .showOverview where screens.count == 1 && !(screens[0] is OverviewScreen) && !(screens[0] is WallboardScreen):
            guard context.model.role != .agent else { return .notice("the overview needs a staff role; yours is agent") }
            switchRoot(to: OverviewScreen.self, make: OverviewScreen.init)
            return .redraw
        case .showQueues where screens.count == 1 && (screens[0] is OverviewScreen || screens[0] is AgentScreen):
            guard context.model.mayUseQueuesScreen else {
                return .notice("the queues screen needs the admin or supervisor role")
            }
            switchRoot(to: QueuesScreen.self, make: QueuesScreen.init)
            return .redraw
        case .showAgent where screens.count == 1 && !(screens[0] is AgentScreen) && !(screens[0] is WallboardScreen):
            guard context.hasAgentScreen else {
                return .notice("start vpbx-tui with --agent YOUR-AGENT-NUMBER to take calls from this console")
            }
            switchRoot(to: AgentScreen.self, make: AgentScreen.init)
            return .redraw
        case .quit: return .quit
        case .help:
            screens.append(HelpOverlay(over: screens[0]))
            return .redraw
        case .refresh: return .run(.refresh)
        default: return .none
        }
    }

    /// The root screen stays.
    private mutating func pop() {
        if screens.count > 1 { screens.removeLast() }
    }
}
