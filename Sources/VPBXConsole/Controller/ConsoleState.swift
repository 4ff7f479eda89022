import Foundation
import VPBXControl
import VPBXTerminal

/// Which console `vpbx-tui` runs.
public enum ConsoleMode: Sendable, Hashable {
    /// Overview and queues screens, as the role allows.
    case console
    /// `--wallboard`: the read-only wallboard only.
    case wallboard(WallboardOptions)
}

/// The console minus I/O: the model, the screen stack and the key table. Turns session
/// updates and keys into changes and commands; `ConsoleController` does the I/O.
public struct ConsoleState {
    /// What the controller must do after an input.
    public struct Effects: Sendable, Equatable {
        public var redraw = false
        public var quit = false
        public var repaint = false
        public var commands: [ConsoleCommand] = []
        public init() {}
    }

    public internal(set) var model = ConsoleModel()
    public internal(set) var stack: ScreenStack
    public let keyTable: KeyTable
    public let mode: ConsoleMode
    /// The console user's own phone (`--extension`).
    public let ownExtension: String?
    /// The agent a staff user also is (`--agent`); agents are found by `agent.self` instead.
    public let ownAgent: String?

    public init(
        mode: ConsoleMode = .console, keyTable: KeyTable? = nil, ownExtension: String? = nil, ownAgent: String? = nil
    ) {
        self.mode = mode
        self.ownExtension = ownExtension
        self.ownAgent = ownAgent
        switch mode {
        case .console:
            stack = ScreenStack(root: OverviewScreen())
            self.keyTable = keyTable ?? .standard
        case .wallboard(let options):
            stack = ScreenStack(root: WallboardScreen(options: options))
            self.keyTable = keyTable ?? .wallboard
        }
    }

    public func context(now: Date) -> ScreenContext {
        ScreenContext(model: model, now: now, keyTable: keyTable, ownExtension: ownExtension, ownAgent: ownAgent)
    }

    /// Draws the whole console.
    public func render<C: Canvas>(into canvas: inout C, now: Date) {
        stack.draw(into: &canvas, context: context(now: now))
    }

    public mutating func apply(_ update: EngineSession.Update, now: Date = Date()) -> Effects {
        var effects = Effects()
        switch update {
        case .synced(let snapshot):
            model.load(snapshot)
            model.notice = nil
            fitScreensToRole()
            effects.redraw = true
        case .event(let event):
            switch model.apply(event) {
            case .changed: effects.redraw = true
            case .needsResync: effects.commands.append(.refresh)
            case .unchanged, .needsExtension, .needsFetch: break  // the session fetches those itself
            }
        case .extensionLoaded(let info):
            effects.redraw = model.upsert(info)
        case .callCenter(let update):
            effects.redraw = model.apply(update)
        case .lost(let attempt, let reason):
            effects.redraw = model.setConnection(.reconnecting(attempt: attempt, reason: reason))
        }
        // Fresh agent figures may start or end a queue call on the agent screen.
        if model.observeDesk(agent: ownAgent, now: now) { effects.redraw = true }
        return effects
    }

    public mutating func press(_ key: Key, now: Date) -> Effects {
        var effects = Effects()
        if key == .resize {
            effects.redraw = true
            return effects
        }
        if let typed = stack.type(key, context: context(now: now)) {
            return apply(typed, to: effects)
        }
        guard let action = keyTable.action(for: key) else { return effects }
        if model.notice != nil {
            model.notice = nil
            effects.redraw = true
        }
        if action == .redraw {
            effects.repaint = true
            return effects
        }
        return apply(stack.handle(action, context: context(now: now)), to: effects)
    }

    private mutating func apply(_ result: ScreenStack.Result, to effects: Effects) -> Effects {
        var effects = effects
        switch result {
        case .none: break
        case .redraw: effects.redraw = true
        case .run(let command):
            effects.commands.append(command)
            if command == .refresh { model.notice = "reloading from the engine…" }
            effects.redraw = true
        case .notice(let text):
            model.notice = text
            effects.redraw = true
        case .quit: effects.quit = true
        }
        return effects
    }

    /// The role decides which screens exist: a wallboard account sees the wallboard, an
    /// agent their agent screen, and the queues screen is only for admins and supervisors.
    private mutating func fitScreensToRole() {
        guard mode == .console else { return }
        let root = stack.screens[0]
        if model.role == .wallboard {
            if !(root is WallboardScreen) { stack.replaceRoot(WallboardScreen()) }
        } else if model.role == .agent {
            if !(root is AgentScreen) { stack.replaceRoot(AgentScreen()) }
        } else if root is WallboardScreen || (root is QueuesScreen && !model.mayUseQueuesScreen)
            || (root is AgentScreen && ownAgent == nil)
        {
            stack.replaceRoot(OverviewScreen())
        }
    }

    public mutating func finished(_ notice: String) -> Effects {
        model.notice = notice
        var effects = Effects()
        effects.redraw = true
        return effects
    }
}
