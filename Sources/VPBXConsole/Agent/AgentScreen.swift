import Foundation
import VPBXControl
import VPBXTerminal

/// The agent's own screen: their state and time in it, their queues (logged in to each or
/// not), the queue call ringing or in progress (the screen pop), the wrap-up countdown and
/// the recent queue calls. `a` logs in to all queues, Enter in or out of the selected one,
/// `p` pauses with a reason, `u` unpauses, `o` logs out, `R` pauses and resumes the
/// recording of the call in progress. The root screen of the agent role;
/// staff who also take calls open it with `3` when started with `--agent`.
public struct AgentScreen: Screen {
    public internal(set) var queueSelection = Selection()
    /// While `f` finds one of the agent's queues: what is typed; nil otherwise.
    public internal(set) var finder: RowFinder?

    public init() {}

    public var isOverlay: Bool { false }

    public var takesText: Bool { finder != nil }

    /// While finding, keys are the text (``RowFinder``): a queue by its name.
    public mutating func type(_ key: Key, context: ScreenContext) -> ScreenOutcome {
        guard var finding = finder else { return .ignored }
        let queues = agent(context).map(Self.queues(of:)) ?? []
        switch finding.type(key, selection: &queueSelection, ids: queues, name: { $0 }) {
        case .finding: finder = finding
        case .done: finder = nil
        case .ignored: return .ignored
        }
        return .handled
    }

    /// The agent shown and acted on.
    public func agent(_ context: ScreenContext) -> AgentStatusInfo? {
        context.model.shownAgent(context.ownAgent)
    }

    /// The agent's queues, by name: every queue that lists them.
    public static func queues(of agent: AgentStatusInfo) -> [String] {
        (agent.memberQueues ?? agent.queues).sorted { $0.localizedStandardCompare($1) == .orderedAscending }
    }

    /// Whether the agent takes calls from `queue` now.
    public static func isLoggedIn(_ agent: AgentStatusInfo, to queue: String) -> Bool {
        agent.state != "logged-out" && agent.queues.contains(queue)
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        switch action {
        case .up, .down, .pageUp, .pageDown:
            guard let agent = agent(context) else { return .handled }
            let delta = [.up: -1, .down: 1, .pageUp: -10, .pageDown: 10][action] ?? 0
            queueSelection.move(by: delta, in: Self.queues(of: agent))
            return .handled
        case .loginAll, .choose, .pause, .unpause, .logout:
            return act(action, context: context)
        case .find:
            finder = RowFinder(selectionBefore: queueSelection)
            return .handled
        case .dialNumber:
            // An agent calls a customer back from the phone it takes queue calls at.
            return NumberEntry.open(from: context.ownExtension ?? agent(context)?.extensionNumber, context: context)
        case .recording:
            guard context.model.connection.isConnected else { return .notice("not connected to the engine") }
            guard let call = agent(context)?.call, call.answeredAt != nil, call.endedAt == nil else {
                return .notice("no call in progress: R pauses and resumes the recording of your call")
            }
            return .run(.toggleRecording(callID: call.callID))
        default:
            return .ignored
        }
    }

    public func helpLists(_ action: ConsoleAction) -> Bool {
        ![.nextPanel, .previousPanel, .hangUp, .pickUp, .pageUp, .pageDown].contains(action)
    }

    private func act(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        guard context.model.connection.isConnected else { return .notice("not connected to the engine") }
        guard let agent = agent(context) else {
            return .notice(context.model.ownAgentProblem ?? "no agent to act on yet")
        }
        let number = agent.number
        let loggedOut = agent.state == "logged-out"
        switch action {
        case .loginAll:
            guard let phone = context.ownExtension ?? agent.extensionNumber else { return Self.needsExtension }
            return .run(.agent(.login(agent: number, extensionNumber: phone, queues: nil)))
        case .choose:
            return toggleSelectedQueue(agent, context: context)
        case .pause:
            guard !loggedOut else { return .notice("log in first (a: all queues, Enter: the selected one)") }
            guard agent.state != "paused" else { return .notice("you are already paused; u unpauses") }
            return .push(
                PauseReasonPicker(
                    agent: number, name: Format.party(number, name: agent.name), reasons: QueuesScreen.pauseReasons))
        case .unpause:
            guard agent.state == "paused" else { return .notice("you are not paused") }
            return .run(.agent(.unpause(agent: number)))
        default:
            guard !loggedOut else { return .notice("you are logged out already") }
            return .push(ConfirmDialog(question: "Log out of all queues?", command: .agent(.logout(agent: number))))
        }
    }

    /// Enter: log in to the selected queue too, or out of it (out of the last one is a
    /// full log-out, asked first).
    private func toggleSelectedQueue(_ agent: AgentStatusInfo, context: ScreenContext) -> ScreenOutcome {
        guard let queue = queueSelection.selectedID(Self.queues(of: agent)) else {
            return .notice("you are a member of no queue; a supervisor adds you (vpbx queue member add)")
        }
        let current = agent.state == "logged-out" ? [] : agent.queues
        if current.contains(queue) {
            let remaining = current.filter { $0 != queue }
            guard !remaining.isEmpty else {
                return .push(
                    ConfirmDialog(
                        question: "\(queue) is your last queue: log out?", command: .agent(.logout(agent: agent.number))
                    ))
            }
            guard let phone = agent.extensionNumber ?? context.ownExtension else { return Self.needsExtension }
            return .run(.agent(.login(agent: agent.number, extensionNumber: phone, queues: remaining.sorted())))
        }
        guard let phone = context.ownExtension ?? agent.extensionNumber else { return Self.needsExtension }
        return .run(.agent(.login(agent: agent.number, extensionNumber: phone, queues: (current + [queue]).sorted())))
    }

    static var needsExtension: ScreenOutcome {
        .notice("start vpbx-tui with --extension YOUR-PHONE to log in (queue calls ring there)")
    }
}
