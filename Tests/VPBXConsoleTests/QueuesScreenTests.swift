import Foundation
import Testing
import VPBXConsole
import VPBXControl
import VPBXTerminal

@Suite("Queues screen")
struct QueuesScreenTests {
    /// A supervisor's console switched to the queues screen; support is selected first
    /// when `selectSupport` (sales sorts before it).
    func queuesScreen(role: Role = .supervisor, selectSupport: Bool = true) -> ConsoleState {
        var state = ConsoleState()
        var snapshot = Fixtures.callCenterSnapshot(role: role)
        snapshot.calls = [Fixtures.call("w1", from: "+36301234567", to: "support", state: .answered)]
        _ = state.apply(.synced(snapshot))
        _ = state.press(.character("2"), now: Fixtures.now)
        if selectSupport { _ = state.press(.down, now: Fixtures.now) }
        return state
    }

    func render(_ state: ConsoleState, rows: Int = 24, columns: Int = 80) -> GridCanvas {
        var grid = GridCanvas(rows: rows, columns: columns)
        state.render(into: &grid, now: Fixtures.now)
        return grid
    }

    @Test("2 shows queues, the selected queue's agents and its waiting callers")
    func rendersAt80x24() throws {
        let state = queuesScreen()
        #expect(state.stack.screens[0] is QueuesScreen)
        let grid = render(state)
        #expect(grid.lines[0].contains("queues"), "\(grid.text)")
        #expect(grid.lines[0].contains("2 queues  3 agents"))
        let support = try #require(grid.row(containing: " support "), "\(grid.text)")
        #expect(grid.cells[support][1].role == .selection)
        let words = grid.lines[support].split(separator: " ").map(String.init)
        #expect(words == ["support", "2", "00:42", "85%", "40", "3", "1", "1", "1"])
        let title = try #require(grid.row(containing: "Agents in support (3)"))
        #expect(title > support)
        let kovacs = try #require(grid.row(containing: "Kovács Ödön"))
        #expect(grid.lines[kovacs].contains("2001"))
        #expect(grid.lines[kovacs].contains("available"))
        #expect(grid.lines[kovacs].contains("1:05"))
        let toth = try #require(grid.row(containing: "Tóth Győző"))
        #expect(grid.lines[toth].contains("paused (lunch)"))
        #expect(grid.lines[toth].contains("10:00"))
        let waiting = try #require(grid.row(containing: "Waiting in support (2)"))
        #expect(waiting > toth)
        #expect(grid.lines[waiting + 2].contains("+36301234567"), "the caller's number from call.list")
        #expect(grid.lines[waiting + 2].contains("0:42"))
        #expect(grid.lines[waiting + 3].contains("0:07"))
        #expect(grid.lines[23].contains("p pause"))
        #expect(grid.lines[23].contains("1 overview"))
        #expect(grid.lines.allSatisfy { $0.count <= 80 })
    }

    @Test("the agents follow the selected queue")
    func agentsFollowTheQueue() throws {
        let grid = render(queuesScreen(selectSupport: false))
        #expect(grid.row(containing: "Agents in sales (0)") != nil, "\(grid.text)")
        #expect(grid.row(containing: "no agent logged in") != nil)
        #expect(grid.row(containing: "nobody waiting") != nil)
    }

    @Test("a large terminal shows every row without trapping; tiny ones do not trap")
    func sizes() throws {
        let grid = render(queuesScreen(), rows: 60, columns: 200)
        #expect(grid.row(containing: "Tóth Győző") != nil)
        for (rows, columns) in [(0, 0), (1, 1), (4, 20), (8, 40)] {
            let small = render(queuesScreen(), rows: rows, columns: columns)
            #expect(small.size == TerminalSize(rows: rows, columns: columns))
        }
    }

    @Test("p asks for a reason; Enter pauses the selected agent with it")
    func pauseWithAReason() throws {
        var state = queuesScreen()
        _ = state.press(.tab, now: Fixtures.now)  // agents panel, 2001 selected
        _ = state.press(.character("p"), now: Fixtures.now)
        var grid = render(state)
        #expect(grid.row(containing: "Pause 2001 Kovács Ödön for:") != nil, "\(grid.text)")
        for reason in QueuesScreen.pauseReasons { #expect(grid.row(containing: reason) != nil) }
        _ = state.press(.down, now: Fixtures.now)
        grid = render(state)
        let training = try #require(grid.row(containing: "▸ training"))
        #expect(grid.line(training).contains("training"))
        let effects = state.press(.enter, now: Fixtures.now)
        #expect(effects.commands == [.agent(.pause(agent: "2001", reason: "training"))])
        #expect(state.stack.screens.count == 1)
    }

    @Test("Esc closes the reason list without pausing")
    func pauseCancelled() {
        var state = queuesScreen()
        _ = state.press(.tab, now: Fixtures.now)
        _ = state.press(.character("p"), now: Fixtures.now)
        #expect(state.press(.character("q"), now: Fixtures.now).commands.isEmpty, "q closes the list, does not quit")
        _ = state.press(.character("p"), now: Fixtures.now)
        #expect(state.press(.escape, now: Fixtures.now).commands.isEmpty)
        #expect(state.stack.screens.count == 1)
    }

    @Test("u unpauses a paused agent and explains otherwise")
    func unpause() {
        var state = queuesScreen()
        _ = state.press(.tab, now: Fixtures.now)
        _ = state.press(.character("u"), now: Fixtures.now)
        #expect(state.model.notice == "2001 Kovács Ödön is not paused")
        _ = state.press(.down, now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)  // 2003 Tóth Győző, paused
        #expect(state.press(.character("u"), now: Fixtures.now).commands == [.agent(.unpause(agent: "2003"))])
        #expect(state.press(.character("p"), now: Fixtures.now).commands.isEmpty)
        #expect(state.model.notice == "2003 Tóth Győző is already paused")
    }

    @Test("o asks, and y logs the agent out")
    func logout() throws {
        var state = queuesScreen()
        _ = state.press(.tab, now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)
        _ = state.press(.character("o"), now: Fixtures.now)
        let grid = render(state)
        #expect(grid.row(containing: "Log 2002 Szabó Erzsébet out of all queues?") != nil, "\(grid.text)")
        #expect(state.press(.character("y"), now: Fixtures.now).commands == [.agent(.logout(agent: "2002"))])
    }

    @Test("agent keys in the queues panel say how to pick an agent")
    func agentKeysNeedTheAgentsPanel() {
        var state = queuesScreen()
        #expect(state.press(.character("p"), now: Fixtures.now).commands.isEmpty)
        #expect(state.model.notice == "Tab to the agents panel and select an agent first")
    }

    @Test("g takes the selected queue's longest-waiting caller to the user's own phone (--extension)")
    func pickUpTheNextCaller() {
        var state = ConsoleState(ownExtension: "1005")
        var snapshot = Fixtures.callCenterSnapshot(role: .supervisor)
        snapshot.calls = []
        _ = state.apply(.synced(snapshot))
        _ = state.press(.character("2"), now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)  // support: callers waiting 42 s (w1) and 7 s (w2)
        #expect(
            state.press(.character("g"), now: Fixtures.now).commands
                == [.pickUpQueueCaller(callID: "w1", extensionNumber: "1005")])
        _ = state.press(.up, now: Fixtures.now)  // sales: nobody waits
        #expect(state.press(.character("g"), now: Fixtures.now).commands.isEmpty)
        #expect(state.model.notice == "nobody is waiting in sales")
        // Without --extension the key explains itself.
        var plain = queuesScreen()
        #expect(plain.press(.character("g"), now: Fixtures.now).commands.isEmpty)
        #expect(plain.model.notice?.contains("--extension") == true)
    }

    @Test("m on an agent asks listen/whisper/barge and runs monitoring from the user's own phone (--extension)")
    func monitorTheSelectedAgent() throws {
        var state = ConsoleState(ownExtension: "1005")
        _ = state.apply(.synced(Fixtures.callCenterSnapshot(role: .supervisor)))
        _ = state.press(.character("2"), now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)  // support
        _ = state.press(.tab, now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)  // 2002 Szabó Erzsébet, on a call at 1002
        #expect(state.press(.character("m"), now: Fixtures.now).commands.isEmpty)
        let grid = render(state)
        #expect(grid.row(containing: "2002 Szabó Erzsébet, call at 1002, from your phone 1005:") != nil, "\(grid.text)")
        #expect(grid.row(containing: "▸ listen") != nil && grid.row(containing: "barge") != nil, "\(grid.text)")
        _ = state.press(.down, now: Fixtures.now)
        let effects = state.press(.enter, now: Fixtures.now)
        #expect(effects.commands == [.monitor(extensionNumber: "1002", supervisor: "1005", mode: .whisper)])
        #expect(state.stack.screens.count == 1)
        // Without --extension the key explains itself; Esc leaves the picker without a command.
        var plain = queuesScreen()
        _ = plain.press(.tab, now: Fixtures.now)
        #expect(plain.press(.character("m"), now: Fixtures.now).commands.isEmpty)
        #expect(plain.model.notice?.contains("--extension") == true)
        _ = state.press(.character("m"), now: Fixtures.now)
        #expect(state.press(.escape, now: Fixtures.now).commands.isEmpty && state.stack.screens.count == 1)
    }

    @Test("1 goes back to the overview")
    func backToOverview() {
        var state = queuesScreen()
        _ = state.press(.character("1"), now: Fixtures.now)
        #expect(state.stack.screens[0] is OverviewScreen)
    }

    @Test("a receptionist has no queues screen, an agent only the agent screen", arguments: [Role.receptionist, .agent])
    func roleDecides(role: Role) {
        let state = queuesScreen(role: role, selectSupport: false)
        if role == .agent {
            #expect(state.stack.screens[0] is AgentScreen)
        } else {
            #expect(state.stack.screens[0] is OverviewScreen)
        }
        #expect(state.model.notice == "the queues screen needs the admin or supervisor role")
        var grid = GridCanvas(rows: 24, columns: 80)
        var quiet = state
        _ = quiet.press(.down, now: Fixtures.now)  // clears the notice
        quiet.render(into: &grid, now: Fixtures.now)
        #expect(!grid.lines[23].contains("2 queues"), "\(grid.text)")
    }

    @Test("an admin's overview footer shows the queues key")
    func overviewShowsTheKey() {
        var state = ConsoleState()
        _ = state.apply(.synced(Fixtures.callCenterSnapshot(role: .admin)))
        let grid = render(state)
        #expect(grid.lines[23].contains("2 queues"), "\(grid.text)")
    }

    @Test("live figures replace the selected queue's rows")
    func liveUpdate() throws {
        var state = queuesScreen()
        let paused = Fixtures.agents.map { agent -> AgentStatusInfo in
            var agent = agent
            if agent.number == "2001" {
                agent.state = "paused"
                agent.reason = "break"
                agent.stateSince = Fixtures.now - 3
            }
            return agent
        }
        #expect(state.apply(.callCenter(.agents(paused))).redraw)
        let grid = render(state)
        let kovacs = try #require(grid.row(containing: "Kovács Ödön"))
        #expect(grid.lines[kovacs].contains("paused (break)"))
        #expect(grid.lines[kovacs].contains("0:03"))
    }

    @Test("many agents scroll to keep the selected one visible")
    func manyAgentsScroll() throws {
        var state = ConsoleState()
        let agents = (0..<40).map { Fixtures.agent("\(3000 + $0)", "Ügynök \(3000 + $0)", state: "available") }
        _ = state.apply(.synced(Fixtures.callCenterSnapshot(queues: [Fixtures.queue()], agents: agents)))
        _ = state.press(.character("2"), now: Fixtures.now)
        _ = state.press(.tab, now: Fixtures.now)
        for _ in 0..<30 { _ = state.press(.down, now: Fixtures.now) }
        let grid = render(state)
        let row = try #require(grid.row(containing: "Ügynök 3030"), "\(grid.text)")
        #expect(grid.cells[row][1].role == .selection)
        #expect(grid.row(containing: "Ügynök 3000") == nil, "scrolled past the first")
        #expect(grid.row(containing: "Waiting in support") != nil, "the waiting panel stays")
    }

    @Test("a waiting caller missing from the call list shows the queue's id: short for a call id, whole for a number")
    func callerWithoutACall() {
        let model = ConsoleModel()
        let uuid = WaitingCallerInfo(
            callID: "0f8c2a7e-1b2c-4d5e-8f90-123456789abc", priority: 0, joinedAt: Fixtures.now, waitedSeconds: 0,
            offeredTo: [])
        var number = uuid
        number.callID = "+36301234567"
        #expect(QueuesScreen.caller(of: uuid, model: model) == "call 0f8c2a7e")
        #expect(QueuesScreen.caller(of: number, model: model) == "+36301234567")
    }

    @Test("switching screens keeps each screen's focus and selection")
    func switchingKeepsSelections() throws {
        var state = queuesScreen()  // support selected
        _ = state.press(.tab, now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)  // 2002
        _ = state.press(.character("1"), now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)  // overview: 1002
        _ = state.press(.character("2"), now: Fixtures.now)
        let queues = try #require(state.stack.screens[0] as? QueuesScreen)
        #expect(queues.focus == .agents)
        #expect(queues.selectedAgent(model: state.model)?.number == "2002")
        _ = state.press(.character("1"), now: Fixtures.now)
        let overview = try #require(state.stack.screens[0] as? OverviewScreen)
        #expect(overview.extensionSelection.id == "1002")
    }
}
