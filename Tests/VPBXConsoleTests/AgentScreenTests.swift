import Foundation
import Testing
import VPBXConsole
import VPBXControl
import VPBXTerminal

/// The agent screen: who I am and my state, my queues, the screen pop, the wrap-up
/// countdown and recent calls; keys turn into agent commands for my own agent only.
@Suite("Agent screen")
struct AgentScreenTests {
    static let now = Fixtures.now

    /// Agent 2001 as `agent.self` or `agent.status` reports them.
    static func me(
        state: String = "available", reason: String? = nil, queues: [String] = ["sales"],
        members: [String] = ["sales", "support"], extensionNumber: String? = "1001", call: AgentCallInfo? = nil,
        wrapUpUntil: Date? = nil
    ) -> AgentStatusInfo {
        AgentStatusInfo(
            number: "2001", name: "Kovács Ödön", state: state, reason: reason,
            extensionNumber: state == "logged-out" ? nil : extensionNumber,
            queues: state == "logged-out" ? members : queues,
            stateSince: now - 42, secondsInState: 42, callsHandled: 3, talkSeconds: 610, missedOffers: 1,
            memberQueues: members, wrapUpUntil: wrapUpUntil, call: call)
    }

    /// A caller from +36301234567 who joined sales 35 s before the answer.
    static func call(
        _ id: String = "q1", answeredSecondsAgo: TimeInterval? = 70, endedSecondsAgo: TimeInterval? = nil
    ) -> AgentCallInfo {
        let answeredAt = answeredSecondsAgo.map { now - $0 }
        return AgentCallInfo(
            callID: id, queue: "sales", caller: "+36301234567", callerName: "Kiss Péter",
            joinedAt: (answeredAt ?? now) - 35, answeredAt: answeredAt, endedAt: endedSecondsAgo.map { now - $0 })
    }

    /// An agent's console: role agent, its agent from `agent.self`.
    static func agentConsole(_ me: AgentStatusInfo? = me(), problem: String? = nil, ownExtension: String? = "1001")
        -> ConsoleState
    {
        var state = ConsoleState(ownExtension: ownExtension)
        var snapshot = Fixtures.callCenterSnapshot(role: .agent, queues: nil, agents: nil)
        snapshot.ownAgent = me
        snapshot.ownAgentProblem = problem
        _ = state.apply(.synced(snapshot), now: now)
        return state
    }

    static func render(_ state: ConsoleState, rows: Int = 24, columns: Int = 80, at time: Date = now) -> GridCanvas {
        var grid = GridCanvas(rows: rows, columns: columns)
        state.render(into: &grid, now: time)
        return grid
    }

    @Test("the agent role gets the agent screen: me, state with time, queues with login state, keys in the footer")
    func rendersAt80x24() throws {
        let state = Self.agentConsole(Self.me(state: "paused", reason: "lunch"))
        #expect(state.stack.screens[0] is AgentScreen)
        let grid = Self.render(state)
        #expect(grid.lines[0].contains("agent 2001"), "\(grid.text)")
        let me = try #require(grid.row(containing: "2001 Kovács Ödön"))
        #expect(grid.lines[me].contains("paused (lunch)"))
        #expect(grid.lines[me].contains("0:42"))
        #expect(grid.lines[me].contains("at 1001"))
        #expect(grid.lines[me + 1].contains("3 calls"))
        let sales = try #require(grid.row(containing: " sales "))
        #expect(grid.lines[sales].contains("logged in"))
        let support = try #require(grid.row(containing: " support "))
        #expect(grid.lines[support].contains("logged out"))
        #expect(grid.lines[23].contains("a log in  Enter queue in/out"), "\(grid.text)")
        #expect(grid.lines[23].contains("p pause"))
        #expect(grid.lines.count == 24 && grid.lines.allSatisfy { $0.count <= 80 })
    }

    @Test("resizing keeps everything inside the terminal, down to 80x24 and up")
    func resizes() {
        var state = Self.agentConsole(Self.me(state: "on-call", call: Self.call()))
        for _ in 0..<12 {
            _ = state.apply(
                .callCenter(.ownAgent(Self.me(call: Self.call("x\(Int.random(in: 0...9999))")))), now: Self.now)
        }
        for (rows, columns) in [(24, 80), (40, 120), (30, 100), (24, 80)] {
            let grid = Self.render(state, rows: rows, columns: columns)
            #expect(grid.lines.count == rows && grid.lines.allSatisfy { $0.count <= columns })
            #expect(grid.row(containing: "Recent calls") != nil, "\(rows)x\(columns)\n\(grid.text)")
            #expect(grid.lines[rows - 1].contains("q quit"))
        }
    }

    @Test("an unmapped agent sees why: the engine's message from agent.self")
    func unmapped() {
        let message =
            "no agent is mapped to your Unix user bela; an administrator maps one with: vpbx agent set NUMBER --unix-user bela"
        var state = Self.agentConsole(nil, problem: message)
        let grid = Self.render(state, columns: 200)
        #expect(grid.row(containing: "no agent is mapped to your Unix user bela") != nil, "\(grid.text)")
        _ = state.press(.character("a"), now: Self.now)
        #expect(state.model.notice == message)
    }

    @Test("the screen pop: caller number and name, queue, wait until the answer, talk time ticking")
    func screenPop() throws {
        var state = Self.agentConsole()
        let ringing = AgentCallInfo(
            callID: "q1", queue: "sales", caller: "+36301234567", callerName: "Kiss Péter", joinedAt: Self.now - 12)
        _ = state.apply(.callCenter(.ownAgent(Self.me(state: "ringing", call: ringing))), now: Self.now)
        var grid = Self.render(state)
        let pop = try #require(grid.row(containing: "+36301234567 Kiss Péter"), "\(grid.text)")
        #expect(grid.lines[pop + 1].contains("queue sales"))
        #expect(grid.lines[pop + 1].contains("waited 0:12"))
        #expect(grid.lines[pop + 1].contains("ringing at 1001"))
        #expect(grid.cells[pop][3].role == .alert)

        let answered = Self.call(answeredSecondsAgo: 70)
        let effects = state.apply(.callCenter(.ownAgent(Self.me(state: "on-call", call: answered))), now: Self.now)
        #expect(effects.redraw)
        grid = Self.render(state, at: Self.now + 5)
        #expect(grid.lines[pop + 1].contains("waited 0:35"), "the wait stops at the answer\n\(grid.text)")
        #expect(grid.lines[pop + 1].contains("talking 1:15"))
    }

    @Test("wrap-up counts down from the engine's end time, rounding up; 0 only when over")
    func wrapUpCountdown() throws {
        #expect(AgentDesk.wrapUpSecondsLeft(until: Self.now + 12.3, now: Self.now) == 13)
        #expect(AgentDesk.wrapUpSecondsLeft(until: Self.now + 0.2, now: Self.now) == 1)
        #expect(AgentDesk.wrapUpSecondsLeft(until: Self.now, now: Self.now) == 0)
        #expect(AgentDesk.wrapUpSecondsLeft(until: Self.now - 3, now: Self.now) == 0)
        let ended = Self.call(answeredSecondsAgo: 70, endedSecondsAgo: 10)
        let state = Self.agentConsole(Self.me(state: "wrap-up", call: ended, wrapUpUntil: Self.now + 20))
        var grid = Self.render(state)
        let line = try #require(grid.row(containing: "wrap-up:"), "\(grid.text)")
        #expect(grid.lines[line].contains("0:20 left"))
        #expect(grid.lines[line - 1].contains("talked 1:00"))
        grid = Self.render(state, at: Self.now + 7.5)
        #expect(grid.lines[line].contains("0:13 left"))
    }

    @Test("a call is recorded once in recent calls: seen ended in wrap-up, then gone")
    func recentFromWrapUp() {
        var desk = AgentDesk()
        do {
            let changed = desk.observe(Self.call(answeredSecondsAgo: nil), now: Self.now)
            #expect(!changed)
        }
        do {
            let changed = desk.observe(Self.call(answeredSecondsAgo: 30), now: Self.now)
            #expect(!changed)
        }
        do {
            let changed = desk.observe(Self.call(answeredSecondsAgo: 30, endedSecondsAgo: 0), now: Self.now)
            #expect(changed)
        }
        do {
            let changed = desk.observe(nil, now: Self.now + 10)
            #expect(!changed)
        }
        #expect(desk.recent.count == 1)
        #expect(desk.recent[0].waitedSeconds == 35 && desk.recent[0].talkedSeconds == 30)
        #expect(desk.recent[0].caller == "+36301234567" && desk.recent[0].queue == "sales")
    }

    @Test("without wrap-up the call is recorded when it goes; an offer never answered here is missed")
    func recentWithoutWrapUp() {
        var desk = AgentDesk()
        desk.observe(Self.call("a", answeredSecondsAgo: 20), now: Self.now)
        do {
            let changed = desk.observe(nil, now: Self.now)
            #expect(changed)
        }
        #expect(desk.recent.first?.talkedSeconds == 20)
        desk.observe(Self.call("b", answeredSecondsAgo: nil), now: Self.now)
        do {
            let changed = desk.observe(Self.call("c", answeredSecondsAgo: nil), now: Self.now + 4)
            #expect(changed)
        }
        #expect(desk.recent.first?.callID == "b" && desk.recent.first?.talkedSeconds == nil)
    }

    @Test("recent calls keep the newest ten, newest first")
    func recentIsBounded() {
        var desk = AgentDesk()
        for index in 0..<15 {
            desk.observe(Self.call("c\(index)", answeredSecondsAgo: 10, endedSecondsAgo: 1), now: Self.now)
        }
        #expect(desk.recent.count == AgentDesk.capacity)
        #expect(desk.recent.map(\.callID) == (5..<15).reversed().map { "c\($0)" })
    }

    @Test("the console records recent calls from agent updates and draws them")
    func recentOnScreen() throws {
        var state = Self.agentConsole(Self.me(state: "on-call", call: Self.call(answeredSecondsAgo: 61)))
        _ = state.apply(.callCenter(.ownAgent(Self.me())), now: Self.now)
        let grid = Self.render(state)
        let title = try #require(grid.row(containing: "Recent calls (1)"), "\(grid.text)")
        #expect(grid.lines[title + 2].contains("+36301234567"))
        #expect(grid.lines[title + 2].contains("sales"))
        #expect(grid.lines[title + 2].contains("0:35"))
        #expect(grid.lines[title + 2].contains("1:01"))
    }

    @Test("a logs in to all queues at --extension; without a phone it explains")
    func loginAll() {
        var state = Self.agentConsole(Self.me(state: "logged-out"))
        let effects = state.press(.character("a"), now: Self.now)
        #expect(effects.commands == [.agent(.login(agent: "2001", extensionNumber: "1001", queues: nil))])
        var phoneless = Self.agentConsole(Self.me(state: "logged-out"), ownExtension: nil)
        #expect(phoneless.press(.character("a"), now: Self.now).commands.isEmpty)
        #expect(phoneless.model.notice?.contains("--extension") == true)
    }

    @Test("Enter logs in to the selected queue besides the others, or out of it")
    func toggleQueue() {
        var state = Self.agentConsole(Self.me(queues: ["sales"]))
        _ = state.press(.down, now: Self.now)  // support
        #expect(
            state.press(.enter, now: Self.now).commands
                == [.agent(.login(agent: "2001", extensionNumber: "1001", queues: ["sales", "support"]))])
        var both = Self.agentConsole(Self.me(queues: ["sales", "support"]))
        #expect(
            both.press(.enter, now: Self.now).commands
                == [.agent(.login(agent: "2001", extensionNumber: "1001", queues: ["support"]))])
        // Out of the last queue is a log-out, asked first.
        var last = Self.agentConsole(Self.me(queues: ["sales"]))
        #expect(last.press(.enter, now: Self.now).commands.isEmpty)
        #expect(last.stack.top is ConfirmDialog)
        #expect(last.press(.character("y"), now: Self.now).commands == [.agent(.logout(agent: "2001"))])
    }

    @Test("p pauses with a reason from the picker, u unpauses, o logs out after a yes")
    func pauseUnpauseLogout() {
        var state = Self.agentConsole()
        _ = state.press(.character("p"), now: Self.now)
        #expect(state.stack.top is PauseReasonPicker)
        _ = state.press(.down, now: Self.now)
        #expect(state.press(.enter, now: Self.now).commands == [.agent(.pause(agent: "2001", reason: "training"))])
        #expect(state.press(.character("u"), now: Self.now).commands.isEmpty)
        #expect(state.model.notice == "you are not paused")

        var paused = Self.agentConsole(Self.me(state: "paused", reason: "lunch"))
        #expect(paused.press(.character("u"), now: Self.now).commands == [.agent(.unpause(agent: "2001"))])
        #expect(paused.press(.character("p"), now: Self.now).commands.isEmpty)

        var leaving = Self.agentConsole()
        _ = leaving.press(.character("o"), now: Self.now)
        #expect(leaving.press(.character("y"), now: Self.now).commands == [.agent(.logout(agent: "2001"))])
    }

    @Test("staff open it with 3 only with --agent, and act on that agent from the agent list")
    func staffWithAgentOption() throws {
        var plain = ConsoleState()
        _ = plain.apply(.synced(Fixtures.callCenterSnapshot()), now: Self.now)
        _ = plain.press(.character("3"), now: Self.now)
        #expect(plain.stack.screens[0] is OverviewScreen)
        #expect(plain.model.notice?.contains("--agent") == true)

        var state = ConsoleState(ownExtension: "1009", ownAgent: "2003")
        _ = state.apply(.synced(Fixtures.callCenterSnapshot()), now: Self.now)
        _ = state.press(.character("3"), now: Self.now)
        #expect(state.stack.screens[0] is AgentScreen)
        let grid = Self.render(state)
        #expect(grid.row(containing: "2003 Tóth Győző") != nil, "\(grid.text)")
        #expect(state.press(.character("u"), now: Self.now).commands == [.agent(.unpause(agent: "2003"))])
        _ = state.press(.character("2"), now: Self.now)
        #expect(state.stack.screens[0] is QueuesScreen)
        _ = state.press(.character("3"), now: Self.now)
        #expect(state.stack.screens[0] is AgentScreen)
    }

    @Test("? over the agent screen lists its keys and leaves out those that do nothing here; it fits 80x24")
    func help() {
        var state = Self.agentConsole()
        _ = state.press(.character("?"), now: Self.now)
        let grid = Self.render(state)
        for action in [ConsoleAction.loginAll, .choose, .pause, .unpause, .logout, .quit, .up, .down] {
            let binding = KeyTable.standard.binding(for: action)!
            #expect(grid.row(containing: binding.summary) != nil, "\(action)\n\(grid.text)")
        }
        for action in [ConsoleAction.hangUp, .pickUp, .nextPanel] {
            #expect(grid.row(containing: KeyTable.standard.binding(for: action)!.summary) == nil)
        }
        #expect(grid.row(containing: "any key closes this help") != nil)
    }

    @Test("an agent cannot open the overview")
    func agentHasNoOverview() {
        var state = Self.agentConsole()
        _ = state.press(.character("1"), now: Self.now)
        #expect(state.stack.screens[0] is AgentScreen)
        #expect(state.model.notice?.contains("staff role") == true)
    }
}

/// `R` on the agent screen: the recording of the call in progress, paused or resumed.
@Suite("Agent screen: recording key")
struct AgentRecordingKeyTests {
    @Test("R during a call asks to toggle its recording; without a call it explains; help lists it here only")
    func recordingKey() {
        var talking = AgentScreenTests.agentConsole(AgentScreenTests.me(state: "busy", call: AgentScreenTests.call("q7")))
        #expect(talking.press(.character("R"), now: AgentScreenTests.now).commands == [.toggleRecording(callID: "q7")])

        var ringing = AgentScreenTests.agentConsole(
            AgentScreenTests.me(state: "busy", call: AgentScreenTests.call("q8", answeredSecondsAgo: nil)))
        #expect(ringing.press(.character("R"), now: AgentScreenTests.now).commands.isEmpty)
        #expect(ringing.model.notice == "no call in progress: R pauses and resumes the recording of your call")

        var idle = AgentScreenTests.agentConsole()
        #expect(idle.press(.character("R"), now: AgentScreenTests.now).commands.isEmpty)
        _ = idle.press(.character("?"), now: AgentScreenTests.now)
        let help = AgentScreenTests.render(idle)
        #expect(help.row(containing: "pause or resume recording of your call") != nil, "\(help.text)")

        var staff = ConsoleState(ownExtension: "1001")
        _ = staff.apply(.synced(Fixtures.snapshot()))
        _ = staff.press(.character("?"), now: AgentScreenTests.now)
        var grid = GridCanvas(rows: 24, columns: 80)
        staff.render(into: &grid, now: AgentScreenTests.now)
        #expect(grid.row(containing: "recording of your call") == nil, "only the agent screen has it")
    }
}
