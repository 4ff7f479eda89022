import Foundation
import VPBXControl
import VPBXTerminal

extension QueuesScreen {
    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let model = context.model
        let queue = selectedQueue(model: model)
        let waiting = queue.map { model.waitingCallers(in: $0.queue) } ?? []
        let layout = QueuesLayout(rows: canvas.size.rows, queueCount: model.queues.count, waitingCount: waiting.count)
        let right = "\(model.queues.count) queues  \(model.agents.count) agents "
        Chrome.header(into: &canvas, left: " vpbx-tui │ queues" + Chrome.engineLine(context), right: right)
        Chrome.banner(into: &canvas, row: 1, model: model)
        drawQueues(into: &canvas, at: layout.queues, context: context)
        drawAgents(into: &canvas, at: layout.agents, queue: queue, context: context)
        drawWaiting(waiting, into: &canvas, at: layout.waiting, queue: queue, context: context)
        if let finder {
            let typing = focus == .queues ? "a queue's name" : "an agent's number or name"
            finder.drawFooter(
                into: &canvas, row: layout.footerRow, found: found(by: finder, model: model), typing: typing)
            return
        }
        Chrome.footer(
            into: &canvas, row: layout.footerRow, context: context,
            hints: [
                (.help, "help"), (.showOverview, "overview"), (.nextPanel, "panel"), (.pause, "pause"),
                (.unpause, "unpause"),
                (.logout, "log out"), (.quit, "quit"),
            ])
    }

    func drawTitle<C: Canvas>(into canvas: inout C, row: Int, title: String, panel: Panel?) {
        let focused = panel != nil && focus == panel
        canvas.put(
            (focused ? "▸ " : "  ") + title, row: row, column: 0, role: .heading,
            attributes: focused ? [.bold, .underline] : [])
    }

    /// One row per queue: the wallboard's figures, coloured by its default thresholds.
    func drawQueues<C: Canvas>(into canvas: inout C, at area: QueuesLayout.Area, context: ScreenContext) {
        guard area.height >= 2 else { return }
        let model = context.model
        let queues = model.sortedQueues
        drawTitle(into: &canvas, row: area.row, title: "Queues (\(queues.count))", panel: .queues)
        let width = canvas.size.columns
        let columns = [
            ("Wait", 5), ("Longest", 8), ("SL%", 5), ("Ans", 5), ("Aband", 6), ("Avail", 6), ("Call", 5), ("Pause", 6),
        ]
        let nameWidth = max(6, width - 1 - columns.map(\.1).reduce(0, +))
        var heading = " " + "Queue".fitted(to: nameWidth)
        for (title, w) in columns { heading += title.fitted(to: w, alignment: .right) }
        canvas.put(heading.fitted(to: width), row: area.row + 1, column: 0, role: .muted, attributes: .bold)
        guard !queues.isEmpty else {
            let hint =
                model.hasCallCenter
                ? "  no queues (add one with: vpbx queue add NAME)" : "  no queues: this engine has no call center"
            canvas.put(hint, row: area.row + 2, column: 0, role: .muted)
            return
        }
        let visible = max(0, area.height - 2)
        let selected = queueSelection.resolve(queues.map(\.queue))
        let offset = OverviewLayout.scrollOffset(selected: selected, visible: visible)
        for (line, index) in (offset..<min(queues.count, offset + visible)).enumerated() {
            let figures = WallboardFigures(queues[index], model: model, thresholds: thresholds, now: context.now)
            let row = area.row + 2 + line
            let isSelected = index == selected
            let base: ColorRole = isSelected ? .selection : .normal
            canvas.put(
                " " + figures.queue.fitted(to: nameWidth), row: row, column: 0, role: base,
                attributes: isSelected && focus == .queues ? .bold : [])
            let cells: [(String, WallboardThresholds.Level)] = [
                ("\(figures.waiting)", figures.waitingLevel), (figures.longestWaitText, figures.waitLevel),
                (figures.serviceLevelText, figures.serviceLevelLevel), ("\(figures.answered)", .normal),
                ("\(figures.abandoned)", .normal), ("\(figures.available)", .normal), ("\(figures.onCall)", .normal),
                ("\(figures.paused)", .normal),
            ]
            var column = 1 + nameWidth
            for ((text, level), (_, w)) in zip(cells, columns) {
                let role = level == .normal ? base : WallboardScreen.role(level)
                canvas.put(
                    text.fitted(to: w, alignment: .right), row: row, column: column, role: role,
                    attributes: level == .normal ? [] : .bold)
                column += w
            }
        }
    }

    /// The agents of the selected queue: number, name, state (with the pause reason), time
    /// in state, extension and calls handled today.
    func drawAgents<C: Canvas>(
        into canvas: inout C, at area: QueuesLayout.Area, queue: QueueStatsInfo?, context: ScreenContext
    ) {
        guard area.height >= 2 else { return }
        let model = context.model
        let agents = queue.map { model.agents(in: $0.queue) } ?? []
        drawTitle(
            into: &canvas, row: area.row, title: "Agents in \(queue?.queue ?? "-") (\(agents.count))", panel: .agents)
        let width = canvas.size.columns
        let nameWidth = max(4, width - 1 - 6 - 17 - 9 - 6 - 7 - 3)
        let heading =
            " " + "Agent".fitted(to: 6) + "Name".fitted(to: nameWidth) + " " + "State".fitted(to: 17)
            + "In state".fitted(to: 9, alignment: .right) + "  " + "Ext".fitted(to: 6)
            + "Calls".fitted(to: 7, alignment: .right)
        canvas.put(heading.fitted(to: width), row: area.row + 1, column: 0, role: .muted, attributes: .bold)
        guard !agents.isEmpty else {
            canvas.put(
                queue == nil ? "" : "  no agent logged in to this queue", row: area.row + 2, column: 0, role: .muted)
            return
        }
        let visible = max(0, area.height - 2)
        let selected = agentSelection.resolve(agents.map(\.number))
        let offset = OverviewLayout.scrollOffset(selected: selected, visible: visible)
        for (line, index) in (offset..<min(agents.count, offset + visible)).enumerated() {
            let agent = agents[index]
            let row = area.row + 2 + line
            let isSelected = focus == .agents && index == selected
            let text = " " + agent.number.fitted(to: 5) + " " + agent.name.fitted(to: nameWidth) + " "
            canvas.put(text, row: row, column: 0, role: isSelected ? .selection : .normal)
            canvas.put(
                agent.stateLabel.fitted(to: 17), row: row, column: text.count,
                role: isSelected ? .selection : Self.role(ofAgentState: agent.state))
            let rest =
                Format.duration(seconds: agent.secondsInState(now: context.now)).fitted(to: 9, alignment: .right)
                + "  " + (agent.extensionNumber ?? "-").fitted(to: 6)
                + "\(agent.callsHandled)".fitted(to: 7, alignment: .right)
            canvas.put(
                rest.fitted(to: max(0, width - text.count - 17)), row: row, column: text.count + 17,
                role: isSelected ? .selection : .normal)
        }
    }

    /// The callers waiting in the selected queue, longest first, with the agents being rung.
    func drawWaiting<C: Canvas>(
        _ waiting: [WaitingCallerInfo], into canvas: inout C, at area: QueuesLayout.Area, queue: QueueStatsInfo?,
        context: ScreenContext
    ) {
        guard area.height >= 2 else { return }
        let model = context.model
        drawTitle(
            into: &canvas, row: area.row, title: "Waiting in \(queue?.queue ?? "-") (\(waiting.count))", panel: nil)
        let width = canvas.size.columns
        let callerWidth = max(6, width - 1 - 4 - 9 - 2 - 20)
        let heading =
            " " + "#".fitted(to: 4) + "Caller".fitted(to: callerWidth) + "Waited".fitted(to: 9, alignment: .right)
            + "  " + "Ringing"
        canvas.put(heading.fitted(to: width), row: area.row + 1, column: 0, role: .muted, attributes: .bold)
        guard !waiting.isEmpty else {
            canvas.put(queue == nil ? "" : "  nobody waiting", row: area.row + 2, column: 0, role: .muted)
            return
        }
        for (index, caller) in waiting.prefix(max(0, area.height - 2)).enumerated() {
            let party = Self.caller(of: caller, model: model)
            let seconds = max(0, Int(context.now.timeIntervalSince(caller.joinedAt)))
            let text =
                " " + "\(index + 1).".fitted(to: 4) + party.fitted(to: callerWidth)
                + Format.duration(seconds: seconds).fitted(to: 9, alignment: .right) + "  "
                + (caller.offeredTo.isEmpty ? "-" : caller.offeredTo.joined(separator: ","))
            let level = thresholds.level(wait: seconds)
            canvas.put(text.fitted(to: width), row: area.row + 2 + index, column: 0, role: WallboardScreen.role(level))
        }
    }

    /// The waiting caller as the calls list knows them (number and name); without that
    /// call, the id the queue gives (a call id is shortened, a number shown whole).
    public static func caller(of waiting: WaitingCallerInfo, model: ConsoleModel) -> String {
        if let call = model.calls[waiting.callID] {
            return Format.party(call.caller, name: call.callerName ?? model.name(of: call.caller))
        }
        let id = waiting.callID
        return id.count == 36 && id.filter({ $0 == "-" }).count == 4 ? "call \(id.prefix(8))" : id
    }

    static func role(ofAgentState state: String) -> ColorRole {
        switch state {
        case "available": return .good
        case "ringing", "wrap-up": return .warning
        case "on-call", "other-call": return .danger
        case "paused", "logged-out": return .muted
        default: return .normal
        }
    }
}
