import Foundation
import VPBXControl
import VPBXTerminal

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
    public internal(set) var stack = ScreenStack(root: OverviewScreen())
    public let keyTable: KeyTable

    public init(keyTable: KeyTable = .standard) { self.keyTable = keyTable }

    public func context(now: Date) -> ScreenContext {
        ScreenContext(model: model, now: now, keyTable: keyTable)
    }

    /// Draws the whole console.
    public func render<C: Canvas>(into canvas: inout C, now: Date) {
        stack.draw(into: &canvas, context: context(now: now))
    }

    public mutating func apply(_ update: EngineSession.Update) -> Effects {
        var effects = Effects()
        switch update {
        case .synced(let snapshot):
            model.load(snapshot)
            model.notice = nil
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
        return effects
    }

    public mutating func press(_ key: Key, now: Date) -> Effects {
        var effects = Effects()
        if key == .resize {
            effects.redraw = true
            return effects
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
        switch stack.handle(action, context: context(now: now)) {
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

    public mutating func finished(_ notice: String) -> Effects {
        model.notice = notice
        var effects = Effects()
        effects.redraw = true
        return effects
    }
}
