import Foundation
import VPBXControl
import VPBXTerminal

extension AgentScreen {
    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let model = context.model
        let agent = agent(context)
        let title = " vpbx-tui │ agent" + (agent.map { " \($0.number)" } ?? "") + Chrome.engineLine(context)
        Chrome.header(into: &canvas, left: title, right: "")
        Chrome.banner(into: &canvas, row: 1, model: model)
        let layout = AgentLayout(rows: canvas.size.rows, queueCount: agent.map { Self.queues(of: $0).count } ?? 0)
        if let agent {
            drawMe(agent, into: &canvas, row: layout.me, context: context)
            drawCall(agent, into: &canvas, row: layout.call, context: context)
            drawQueues(agent, into: &canvas, at: layout.queues)
        } else {
            let why =
                model.ownAgentProblem ?? context.ownAgent.map { "agent \($0) does not exist (see vpbx agent list)" }
                ?? "loading your agent…"
            canvas.put(("  " + why).fitted(to: canvas.size.columns), row: layout.me, column: 0, role: .warning)
        }
        drawRecent(model.desk.recent, into: &canvas, at: layout.recent, context: context)
        if let finder {
            let found = finder.matches(in: agent.map(Self.queues(of:)) ?? [], name: { $0 }).count
            finder.drawFooter(into: &canvas, row: layout.footerRow, found: found, typing: "a queue's name")
            return
        }
        Chrome.footer(
            into: &canvas, row: layout.footerRow, context: context,
            hints: [
                (.help, "help"), (.loginAll, "log in"), (.choose, "queue in/out"), (.pause, "pause"),
                (.unpause, "unpause"), (.logout, "log out"), (.quit, "quit"),
            ])
    }

    /// `Agent 2001 Kovács Anna   paused (lunch)   0:42   at 1005` and today's figures.
    func drawMe<C: Canvas>(_ agent: AgentStatusInfo, into canvas: inout C, row: Int, context: ScreenContext) {
        let width = canvas.size.columns
        let who = " " + Format.party(agent.number, name: agent.name).fitted(to: max(10, width - 42)) + " "
        canvas.put(who, row: row, column: 0, role: .normal, attributes: .bold)
        let state = agent.stateLabel.fitted(to: 20)
        canvas.put(
            state, row: row, column: who.count, role: QueuesScreen.role(ofAgentState: agent.state), attributes: .bold)
        let rest =
            " " + Format.duration(seconds: agent.secondsInState(now: context.now)).fitted(to: 8, alignment: .right)
            + (agent.extensionNumber.map { "  at \($0)" } ?? "")
        canvas.put(rest.fitted(to: max(0, width - who.count - 20)), row: row, column: who.count + 20, role: .normal)
        let today =
            " today: \(agent.callsHandled) call\(agent.callsHandled == 1 ? "" : "s"), "
            + "talk \(Format.duration(seconds: agent.talkSeconds)), "
            + "missed \(agent.missedOffers)"
        canvas.put(today.fitted(to: width), row: row + 1, column: 0, role: .muted)
    }

    /// The screen pop: who is calling, from which queue, how long they waited, talk time;
    /// the wrap-up countdown after the call.
    func drawCall<C: Canvas>(_ agent: AgentStatusInfo, into canvas: inout C, row: Int, context: ScreenContext) {
        let width = canvas.size.columns
        canvas.put("  Current call", row: row, column: 0, role: .heading, attributes: .bold)
        guard let call = agent.call else {
            let idle = agent.state == "available" ? "  waiting for a queue call" : "  no queue call"
            canvas.put(idle.fitted(to: width), row: row + 1, column: 0, role: .muted)
            return
        }
        let now = context.now
        let caller = " ☎ " + Format.party(call.caller, name: call.callerName)
        let ringing = agent.state == "ringing"
        canvas.put(
            caller.fitted(to: width), row: row + 1, column: 0, role: ringing ? .alert : .normal, attributes: .bold)
        var facts =
            "   queue \(call.queue)   waited \(Format.duration(seconds: AgentDesk.waitedSeconds(call, now: now)))"
        if let talk = AgentDesk.talkSeconds(call, now: now) {
            facts += "   " + (call.endedAt == nil ? "talking" : "talked") + " \(Format.duration(seconds: talk))"
        } else if ringing {
            facts += "   ringing at \(agent.extensionNumber ?? "your phone")"
        }
        canvas.put(facts.fitted(to: width), row: row + 2, column: 0, role: .normal)
        if agent.state == "wrap-up", let until = agent.wrapUpUntil {
            let left = AgentDesk.wrapUpSecondsLeft(until: until, now: now)
            canvas.put(
                "   wrap-up: \(Format.duration(seconds: left)) left".fitted(to: width), row: row + 3, column: 0,
                role: .warning, attributes: .bold)
        }
    }

    /// My queues: name and whether I take its calls now; the selection is what Enter toggles.
    func drawQueues<C: Canvas>(_ agent: AgentStatusInfo, into canvas: inout C, at area: AgentLayout.Area) {
        guard area.height >= 2 else { return }
        let width = canvas.size.columns
        let queues = Self.queues(of: agent)
        canvas.put(
            "▸ My queues (\(queues.count))", row: area.row, column: 0, role: .heading, attributes: [.bold, .underline])
        canvas.put(
            (" " + "Queue".fitted(to: 30) + "Status").fitted(to: width), row: area.row + 1, column: 0, role: .muted,
            attributes: .bold)
        guard !queues.isEmpty else {
            canvas.put("  no queue lists you yet", row: area.row + 2, column: 0, role: .muted)
            return
        }
        let visible = max(0, area.height - 2)
        let selected = queueSelection.resolve(queues)
        let offset = OverviewLayout.scrollOffset(selected: selected, visible: visible)
        for (line, index) in (offset..<min(queues.count, offset + visible)).enumerated() {
            let queue = queues[index]
            let isSelected = index == selected
            let loggedIn = Self.isLoggedIn(agent, to: queue)
            let status = loggedIn ? "logged in" : "logged out"
            canvas.put(
                (" " + queue.fitted(to: 30)).fitted(to: 31), row: area.row + 2 + line, column: 0,
                role: isSelected ? .selection : .normal)
            canvas.put(
                status.fitted(to: max(0, width - 31)), row: area.row + 2 + line, column: 31,
                role: isSelected ? .selection : (loggedIn ? .good : .muted))
        }
    }

    /// The last queue calls this console saw: caller, queue, waited, talked (or missed).
    func drawRecent<C: Canvas>(
        _ recent: [AgentDesk.RecentCall], into canvas: inout C, at area: AgentLayout.Area, context: ScreenContext
    ) {
        guard area.height >= 2 else { return }
        let width = canvas.size.columns
        canvas.put("  Recent calls (\(recent.count))", row: area.row, column: 0, role: .heading, attributes: .bold)
        let callerWidth = max(8, width - 1 - 16 - 9 - 9)
        let heading =
            " " + "Caller".fitted(to: callerWidth) + "Queue".fitted(to: 16) + "Waited".fitted(to: 9, alignment: .right)
            + "Talked".fitted(to: 9, alignment: .right)
        canvas.put(heading.fitted(to: width), row: area.row + 1, column: 0, role: .muted, attributes: .bold)
        guard !recent.isEmpty else {
            canvas.put("  none yet in this session", row: area.row + 2, column: 0, role: .muted)
            return
        }
        for (index, call) in recent.prefix(max(0, area.height - 2)).enumerated() {
            let talked = call.talkedSeconds.map { Format.duration(seconds: $0) } ?? "missed"
            let text =
                " " + Format.party(call.caller, name: call.callerName).fitted(to: callerWidth)
                + call.queue.fitted(to: 16)
                + Format.duration(seconds: call.waitedSeconds).fitted(to: 9, alignment: .right)
                + talked.fitted(to: 9, alignment: .right)
            canvas.put(
                text.fitted(to: width), row: area.row + 2 + index, column: 0,
                role: call.talkedSeconds == nil ? .muted : .normal)
        }
    }
}
