import Foundation
import Testing
import VPBXConsole
import VPBXControl
import VPBXTerminal

/// `f`: a receptionist finds an extension by typing its number or a part of its name; a
/// supervisor a queue or an agent on the queues screen; an agent one of its queues.
@Suite("Finding a row")
struct RowFinderTests {
    func connected() -> ConsoleState {
        var state = ConsoleState()
        _ = state.apply(.synced(Fixtures.snapshot()))
        return state
    }

    func selected(_ state: ConsoleState) -> String? {
        let overview = state.stack.screens.first as? OverviewScreen
        return overview?.extensionSelection.selectedID(state.model.extensionNumbers)
    }

    func type(_ text: String, into state: inout ConsoleState) {
        for character in text { _ = state.press(.character(character), now: Fixtures.now) }
    }

    @Test(
        "typed without accents or capitals, a part of a name selects it; letters are text, not keys (q does not quit)")
    func findsByName() {
        var state = connected()
        _ = state.press(.character("f"), now: Fixtures.now)
        type("gyo", into: &state)
        #expect(selected(state) == "1003", "Tóth Győző")
        var grid = GridCanvas(rows: 24, columns: 100)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.text.contains("Find: gyo_  (1 found"), "\(grid.text)")
        let quit = state.press(.character("q"), now: Fixtures.now)
        #expect(!quit.quit, "q is typed while finding")
        _ = state.press(.backspace, now: Fixtures.now)
        _ = state.press(.enter, now: Fixtures.now)
        #expect(selected(state) == "1003", "Enter keeps what was found")
        #expect(state.press(.character("q"), now: Fixtures.now).quit, "keys are keys again")
    }

    @Test("a number's beginning finds it; ↓ and ↑ step through what is found; Esc goes back to where the selection was")
    func findsByNumberAndSteps() {
        var state = connected()
        _ = state.press(.down, now: Fixtures.now)
        #expect(selected(state) == "1002")
        _ = state.press(.character("f"), now: Fixtures.now)
        type("100", into: &state)
        #expect(selected(state) == "1001", "the first of three")
        _ = state.press(.down, now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)
        #expect(selected(state) == "1003")
        _ = state.press(.down, now: Fixtures.now)
        #expect(selected(state) == "1001", "round again")
        _ = state.press(.up, now: Fixtures.now)
        #expect(selected(state) == "1003")
        type("9", into: &state)
        var grid = GridCanvas(rows: 24, columns: 100)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.text.contains("Find: 1009_  (0 found"), "\(grid.text)")
        #expect(selected(state) == "1003", "nothing found: the selection stays")
        _ = state.press(.escape, now: Fixtures.now)
        #expect(selected(state) == "1002", "Esc: back where it was")
    }

    @Test(
        "queues screen: f in the queues panel finds a queue by name; in the agents panel an agent of the queue by name, and p acts on it"
    )
    func findsQueuesAndAgents() throws {
        var state = ConsoleState()
        _ = state.apply(.synced(Fixtures.callCenterSnapshot(role: .supervisor)))
        _ = state.press(.character("2"), now: Fixtures.now)
        var queues = try #require(state.stack.screens.first as? QueuesScreen)
        #expect(queues.selectedQueue(model: state.model)?.queue == "sales", "sales sorts first")
        _ = state.press(.character("f"), now: Fixtures.now)
        type("SUP", into: &state)
        var grid = GridCanvas(rows: 24, columns: 100)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.text.contains("Find: SUP_  (1 found"), "\(grid.text)")
        _ = state.press(.enter, now: Fixtures.now)
        queues = try #require(state.stack.screens.first as? QueuesScreen)
        #expect(queues.selectedQueue(model: state.model)?.queue == "support")

        _ = state.press(.tab, now: Fixtures.now)
        _ = state.press(.character("f"), now: Fixtures.now)
        grid = GridCanvas(rows: 24, columns: 100)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.text.contains("type an agent's number or name"), "\(grid.text)")
        type("erzsebet", into: &state)
        _ = state.press(.enter, now: Fixtures.now)
        queues = try #require(state.stack.screens.first as? QueuesScreen)
        #expect(queues.selectedAgent(model: state.model)?.number == "2002")
        _ = state.press(.character("p"), now: Fixtures.now)
        grid = GridCanvas(rows: 24, columns: 100)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.row(containing: "Pause 2002 Szabó Erzsébet for:") != nil, "\(grid.text)")
        _ = state.press(.escape, now: Fixtures.now)

        _ = state.press(.character("f"), now: Fixtures.now)
        type("200", into: &state)
        #expect((state.stack.screens.first as? QueuesScreen)?.selectedAgent(model: state.model)?.number == "2001")
        _ = state.press(.escape, now: Fixtures.now)
        queues = try #require(state.stack.screens.first as? QueuesScreen)
        #expect(queues.selectedAgent(model: state.model)?.number == "2002", "Esc: back where it was")
    }

    @Test("agent screen: f finds one of the agent's queues by name, and Enter then logs in to it")
    func findsTheAgentsQueue() {
        var state = AgentScreenTests.agentConsole(AgentScreenTests.me(queues: ["sales"]))
        _ = state.press(.character("f"), now: Fixtures.now)
        type("port", into: &state)
        let grid = AgentScreenTests.render(state)
        #expect(grid.text.contains("Find: port_  (1 found"), "\(grid.text)")
        _ = state.press(.enter, now: Fixtures.now)
        #expect(
            state.press(.enter, now: Fixtures.now).commands
                == [.agent(.login(agent: "2001", extensionNumber: "1001", queues: ["sales", "support"]))])
    }
}
