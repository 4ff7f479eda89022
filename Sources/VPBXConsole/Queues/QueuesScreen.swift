import Foundation
import VPBXControl
import VPBXTerminal

/// The call-center screen for admins and supervisors: every queue with its live figures,
/// the selected queue's agents with state and time in state, and its waiting callers.
/// `p`, `u` and `o` pause (with a reason), unpause and log out the selected agent.
public struct QueuesScreen: Screen {
    public enum Panel: Sendable, Hashable, CaseIterable {
        case queues, agents
    }

    public internal(set) var focus: Panel = .queues
    public internal(set) var queueSelection = Selection()
    public internal(set) var agentSelection = Selection()
    /// Colours of the queue figures: the wallboard's defaults.
    let thresholds = WallboardThresholds()

    /// Pause reasons offered by `p`, in this order.
    public static let pauseReasons = ["lunch", "training", "admin", "break"]

    /// While `f` finds a queue or an agent (the focused panel's): what is typed; nil otherwise.
    public internal(set) var finder: RowFinder?

    public init() {}

    public var isOverlay: Bool { false }

    public var takesText: Bool { finder != nil }

    /// While finding, keys are the text (``RowFinder``): a queue by its name, or an agent of
    /// the selected queue by number or name.
    public mutating func type(_ key: Key, context: ScreenContext) -> ScreenOutcome {
        guard var finding = finder else { return .ignored }
        let step: RowFinder.Step
        switch focus {
        case .queues:
            let before = queueSelection
            step = finding.type(key, selection: &queueSelection, ids: queueNames(context.model)) { $0 }
            if queueSelection != before { agentSelection = Selection() }
        case .agents:
            let (ids, name) = agentRows(context.model)
            step = finding.type(key, selection: &agentSelection, ids: ids, name: name)
        }
        switch step {
        case .finding: finder = finding
        case .done: finder = nil
        case .ignored: return .ignored
        }
        return .handled
    }

    /// How many rows the finder's text finds in the focused panel.
    func found(by finder: RowFinder, model: ConsoleModel) -> Int {
        switch focus {
        case .queues: return finder.matches(in: queueNames(model)) { $0 }.count
        case .agents:
            let (ids, name) = agentRows(model)
            return finder.matches(in: ids, name: name).count
        }
    }

    private func queueNames(_ model: ConsoleModel) -> [String] { model.sortedQueues.map(\.queue) }

    /// The selected queue's agents' numbers, and their names.
    private func agentRows(_ model: ConsoleModel) -> (ids: [String], name: (String) -> String?) {
        let agents = selectedQueue(model: model).map { model.agents(in: $0.queue) } ?? []
        return (agents.map(\.number), { number in model.agents[number]?.name })
    }

    /// The queue whose agents and callers are shown.
    public func selectedQueue(model: ConsoleModel) -> QueueStatsInfo? {
        queueSelection.selectedID(model.sortedQueues.map(\.queue)).flatMap { model.queues[$0] }
    }

    /// The agent `p`, `u` and `o` act on.
    public func selectedAgent(model: ConsoleModel) -> AgentStatusInfo? {
        guard let queue = selectedQueue(model: model) else { return nil }
        return agentSelection.selectedID(model.agents(in: queue.queue).map(\.number)).flatMap { model.agents[$0] }
    }

    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome {
        let model = context.model
        switch action {
        case .nextPanel, .previousPanel:
            focus = focus == .queues ? .agents : .queues
            return .handled
        case .up: return move(by: -1, model: model)
        case .down: return move(by: 1, model: model)
        case .pageUp: return move(by: -10, model: model)
        case .pageDown: return move(by: 10, model: model)
        case .pause, .unpause, .logout: return act(action, model: model)
        case .pickUp: return pickUpNextCaller(context: context)
        case .monitor: return monitorSelectedAgent(context: context)
        case .dialNumber: return NumberEntry.open(from: context.ownExtension, context: context)
        case .find:
            if focus == .agents, selectedQueue(model: model) == nil { return .notice("no queue selected") }
            finder = RowFinder(selectionBefore: focus == .queues ? queueSelection : agentSelection)
            return .handled
        default: return .ignored
        }
    }

    private mutating func move(by delta: Int, model: ConsoleModel) -> ScreenOutcome {
        switch focus {
        case .queues:
            queueSelection.move(by: delta, in: model.sortedQueues.map(\.queue))
            agentSelection = Selection()
        case .agents:
            guard let queue = selectedQueue(model: model) else { return .handled }
            agentSelection.move(by: delta, in: model.agents(in: queue.queue).map(\.number))
        }
        return .handled
    }

    /// `g`: the selected queue's longest-waiting caller is taken to the user's own phone.
    private func pickUpNextCaller(context: ScreenContext) -> ScreenOutcome {
        let model = context.model
        guard model.connection.isConnected else { return .notice("not connected to the engine") }
        guard let own = context.ownExtension else {
            return .notice("start vpbx-tui with --extension YOUR-NUMBER to pick callers up to your phone")
        }
        guard let queue = selectedQueue(model: model) else { return .notice("no queue selected") }
        guard let caller = queue.waiting.max(by: { $0.waitedSeconds < $1.waitedSeconds }) else {
            return .notice("nobody is waiting in \(queue.queue)")
        }
        return .run(.pickUpQueueCaller(callID: caller.callID, extensionNumber: own))
    }

    /// `m`: listen, whisper or barge on the selected agent's call, from the user's own phone.
    private func monitorSelectedAgent(context: ScreenContext) -> ScreenOutcome {
        let model = context.model
        guard model.connection.isConnected else { return .notice("not connected to the engine") }
        guard let own = context.ownExtension else {
            return .notice("start vpbx-tui with --extension YOUR-NUMBER to listen in from your phone")
        }
        guard focus == .agents, let agent = selectedAgent(model: model) else {
            return .notice("Tab to the agents panel and select an agent first")
        }
        let who = Format.party(agent.number, name: agent.name)
        guard let phone = agent.extensionNumber, agent.state != "logged-out" else { return .notice("\(who) is logged out") }
        return .push(MonitorModePicker(extensionNumber: phone, supervisor: own, name: who))
    }

    private func act(_ action: ConsoleAction, model: ConsoleModel) -> ScreenOutcome {
        guard model.connection.isConnected else { return .notice("not connected to the engine") }
        guard focus == .agents else { return .notice("Tab to the agents panel and select an agent first") }
        guard let agent = selectedAgent(model: model) else { return .notice("no agent selected") }
        let who = Format.party(agent.number, name: agent.name)
        switch action {
        case .pause:
            guard agent.state != "logged-out" else { return .notice("\(who) is logged out") }
            guard agent.state != "paused" else { return .notice("\(who) is already paused") }
            return .push(PauseReasonPicker(agent: agent.number, name: who, reasons: Self.pauseReasons))
        case .unpause:
            guard agent.state == "paused" else { return .notice("\(who) is not paused") }
            return .run(.agent(.unpause(agent: agent.number)))
        default:
            guard agent.state != "logged-out" else { return .notice("\(who) is logged out") }
            return .push(
                ConfirmDialog(question: "Log \(who) out of all queues?", command: .agent(.logout(agent: agent.number))))
        }
    }
}
