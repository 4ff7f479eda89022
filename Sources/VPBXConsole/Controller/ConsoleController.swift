import Foundation
import VPBXControl
import VPBXTerminal

/// Runs the console on the main actor (curses wants one thread): one loop over a stream
/// of inputs (keys polled every few milliseconds, engine updates, signals), redrawing
/// only when something visible changed, at most once per key poll for engine updates.
@MainActor
public final class ConsoleController {
    private var state: ConsoleState
    private let screen: NCursesScreen
    private let session: EngineSession
    private let continuation: AsyncStream<ConsoleInput>.Continuation
    private let inputs: AsyncStream<ConsoleInput>
    private var lastSecond = 0
    /// An engine update changed what is shown; drawn at the next key poll. Drawing after
    /// every event made a console as slow as its frames: a registration storm is thousands
    /// of events a second, which are now applied as they come and drawn once per poll.
    private var drawPending = false

    /// How often keys are read.
    static let pollInterval = Duration.milliseconds(30)

    private init(socketPath: String, mode: ConsoleMode, ownExtension: String?, ownAgent: String?) {
        state = ConsoleState(mode: mode, ownExtension: ownExtension, ownAgent: ownAgent)
        screen = NCursesScreen()
        let scope: EngineSession.Scope = mode == .console ? .console : .wallboard
        session = EngineSession(socketPath: socketPath, scope: scope)
        (inputs, continuation) = AsyncStream.makeStream(of: ConsoleInput.self)
    }

    /// Takes over the terminal until the user quits or a signal arrives; the terminal is
    /// restored on every way out.
    public static func run(
        socketPath: String, mode: ConsoleMode = .console, ownExtension: String? = nil, ownAgent: String? = nil
    ) async {
        let controller = ConsoleController(
            socketPath: socketPath, mode: mode, ownExtension: ownExtension, ownAgent: ownAgent)
        await controller.loop()
    }

    private func loop() async {
        let continuation = self.continuation
        let session = self.session
        let signals = TerminalSignals { continuation.yield(.signal($0)) }
        let sessionTask = Task.detached { await session.run { continuation.yield(.session($0)) } }
        let ticker = Task.detached {
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.pollInterval)
                continuation.yield(.poll)
            }
        }
        defer {
            ticker.cancel()
            sessionTask.cancel()
            signals.cancel()
            screen.end()
        }
        draw()
        for await input in inputs {
            let effects: ConsoleState.Effects
            switch input {
            case .signal: return
            case .poll: effects = readKeys()
            case .session(let update): effects = state.apply(update)
            case .commandFinished(let notice): effects = state.finished(notice)
            }
            if effects.quit { return }
            for command in effects.commands { start(command) }
            if effects.repaint { screen.invalidate() }
            if case .session = input, effects.redraw, !effects.repaint {
                drawPending = true
                continue
            }
            if effects.redraw || effects.repaint || drawPending || secondTicked() {
                drawPending = false
                draw()
            }
        }
    }

    private func readKeys() -> ConsoleState.Effects {
        var combined = ConsoleState.Effects()
        while let key = screen.readKey() {
            let effects = state.press(key, now: Date())
            combined.redraw = combined.redraw || effects.redraw
            combined.repaint = combined.repaint || effects.repaint
            combined.commands += effects.commands
            if effects.quit {
                combined.quit = true
                break
            }
        }
        return combined
    }

    /// Durations and uptime change every second; the frame diff keeps it cheap.
    private func secondTicked() -> Bool {
        let second = Int(Date().timeIntervalSince1970)
        guard second != lastSecond else { return false }
        lastSecond = second
        return true
    }

    private func draw() {
        let size = screen.size
        var frame = GridCanvas(rows: size.rows, columns: size.columns)
        state.render(into: &frame, now: Date())
        screen.present(frame)
    }

    private func start(_ command: ConsoleCommand) {
        let session = self.session
        let continuation = self.continuation
        switch command {
        case .hangUp(let id):
            Task.detached { continuation.yield(.commandFinished(await session.hangUp(callID: id))) }
        case .refresh:
            Task.detached { await session.refresh() }
        case .agent(let agentCommand):
            Task.detached { continuation.yield(.commandFinished(await session.agentCommand(agentCommand))) }
        case .pickUpCall(let id, let own):
            Task.detached { continuation.yield(.commandFinished(await session.pickUp(callID: id, to: own, fromQueue: false))) }
        case .pickUpQueueCaller(let id, let own):
            Task.detached { continuation.yield(.commandFinished(await session.pickUp(callID: id, to: own, fromQueue: true))) }
        case .transfer(let id, let number, let keepingCallee):
            Task.detached {
                continuation.yield(
                    .commandFinished(await session.transfer(callID: id, to: number, keepingCallee: keepingCallee)))
            }
        case .originate(let from, let number):
            Task.detached { continuation.yield(.commandFinished(await session.originate(from: from, to: number))) }
        case .toggleRecording(let id):
            Task.detached { continuation.yield(.commandFinished(await session.toggleRecording(callID: id))) }
        case .monitor(let target, let supervisor, let mode):
            Task.detached {
                continuation.yield(.commandFinished(await session.monitor(target, from: supervisor, mode: mode)))
            }
        }
    }
}
