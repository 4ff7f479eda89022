import Foundation
import Testing
import VPBXConsole
import VPBXControl
import VPBXTerminal

@Suite("Keys, help overlay and hang-up")
struct KeysAndScreensTests {
    func connected(calls: [CallInfo] = [Fixtures.call()]) -> ConsoleState {
        var state = ConsoleState()
        _ = state.apply(.synced(Fixtures.snapshot(calls: calls)))
        return state
    }

    @Test func helpOverlayListsEveryKeyOfTheKeyTable() {
        var state = connected()
        #expect(state.press(.character("?"), now: Fixtures.now).redraw)
        var grid = GridCanvas(rows: 24, columns: 80)
        state.render(into: &grid, now: Fixtures.now)
        // Over the overview: every binding but the agent screen's own.
        let agentScreens: Set<ConsoleAction> = [.loginAll, .recording]
        for action in agentScreens { #expect(grid.row(containing: KeyTable.standard.binding(for: action)!.summary) == nil) }
        for binding in KeyTable.standard.bindings where !agentScreens.contains(binding.action) {
            let row = grid.row(containing: binding.summary)
            #expect(row != nil, "missing \(binding.summary)\n\(grid.text)")
            if let row { #expect(grid.line(row).contains(binding.keyLabel)) }
        }
        _ = state.press(.character("x"), now: Fixtures.now)  // unbound: nothing happens
        _ = state.press(.escape, now: Fixtures.now)
        #expect(state.stack.screens.count == 1)
    }

    @Test func everyActionHasAKeyAndNoKeyIsBoundTwice() {
        let bindings = KeyTable.standard.bindings
        #expect(Set(bindings.map(\.action)) == Set(ConsoleAction.allCases))
        let keys = bindings.flatMap(\.keys)
        #expect(Set(keys).count == keys.count)
    }

    @Test func quitKeyQuits() {
        var state = connected()
        #expect(state.press(.character("q"), now: Fixtures.now).quit)
    }

    /// Supervisors see at once that callers are being turned away.
    @Test func theTitleBarSaysWhileTheEngineRefusesNewCallsForOverload() {
        var state = connected()
        let overload = RPCEvent(
            seq: 11, topic: EventTopic.engine, type: "engine.overload",
            data: ["overloaded": .bool(true), "callsRefusedOverloaded": .int(42)])
        #expect(state.apply(.event(overload), now: Fixtures.now).redraw)
        #expect(state.model.status?.callsRefusedOverloaded == 42)
        var grid = GridCanvas(rows: 24, columns: 120)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.line(0).contains("OVERLOADED: new calls refused"), "\(grid.text)")
        let over = RPCEvent(
            seq: 12, topic: EventTopic.engine, type: "engine.overload",
            data: ["overloaded": .bool(false), "callsRefusedOverloaded": .int(57)])
        #expect(state.apply(.event(over), now: Fixtures.now).redraw)
        #expect(!state.apply(.event(RPCEvent(seq: 13, topic: over.topic, type: over.type, data: over.data)), now: Fixtures.now).redraw)
        grid = GridCanvas(rows: 24, columns: 120)
        state.render(into: &grid, now: Fixtures.now)
        #expect(!grid.line(0).contains("OVERLOADED"), "\(grid.text)")
    }

    /// Everyone on the console sees that the exchange is going down for maintenance.
    @Test func theTitleBarSaysWhileTheEngineStops() {
        var state = connected()
        let refusing = RPCEvent(
            seq: 11, topic: EventTopic.engine, type: "engine.draining",
            data: [
                "draining": .string("refuse-new"), "since": .string(RPCCoding.formatDate(Fixtures.now)),
                "activeCalls": .int(3),
            ])
        #expect(state.apply(.event(refusing), now: Fixtures.now).redraw)
        #expect(state.model.status?.draining == "refuse-new" && state.model.status?.drainingSince == Fixtures.now)
        var grid = GridCanvas(rows: 24, columns: 140)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.line(0).contains("STOPPING: new calls refused"), "\(grid.text)")
        let cancelled = RPCEvent(
            seq: 12, topic: EventTopic.engine, type: "engine.draining",
            data: ["draining": .null, "since": .null, "activeCalls": .int(3)])
        #expect(state.apply(.event(cancelled), now: Fixtures.now).redraw)
        let again = RPCEvent(seq: 13, topic: cancelled.topic, type: cancelled.type, data: cancelled.data)
        #expect(!state.apply(.event(again), now: Fixtures.now).redraw)
        grid = GridCanvas(rows: 24, columns: 140)
        state.render(into: &grid, now: Fixtures.now)
        #expect(!grid.line(0).contains("STOPPING"), "\(grid.text)")
    }

    @Test func hangUpAsksAndYesRunsTheCommand() {
        var state = connected()
        _ = state.press(.tab, now: Fixtures.now)  // focus the calls panel
        _ = state.press(.character("h"), now: Fixtures.now)
        var grid = GridCanvas(rows: 24, columns: 80)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.row(containing: "Hang up 1001 Kovács Ödön → 1002 Szabó Erzsébet?") != nil, "\(grid.text)")
        let effects = state.press(.character("y"), now: Fixtures.now)
        #expect(effects.commands == [.hangUp(callID: "c1")])
        #expect(state.stack.screens.count == 1)
    }

    @Test("g picks the selected ringing or parked call up to the user's own phone; an answered call is not picked up")
    func pickUpARingingCall() {
        var state = ConsoleState(ownExtension: "1005")
        _ = state.apply(
            .synced(Fixtures.snapshot(calls: [Fixtures.call("c1", state: .ringing, answeredSecondsAgo: nil)])))
        _ = state.press(.tab, now: Fixtures.now)  // the calls panel
        #expect(state.press(.character("g"), now: Fixtures.now).commands == [.pickUpCall(callID: "c1", extensionNumber: "1005")])

        var answered = ConsoleState(ownExtension: "1005")
        _ = answered.apply(.synced(Fixtures.snapshot(calls: [Fixtures.call()])))
        _ = answered.press(.tab, now: Fixtures.now)
        #expect(answered.press(.character("g"), now: Fixtures.now).commands.isEmpty)
        #expect(answered.model.notice == "that call is neither ringing nor parked")

        // A parked call (answered by the park application) is taken to the user's phone too.
        var parked = ConsoleState(ownExtension: "1005")
        var snapshot = Fixtures.snapshot(calls: [Fixtures.call("c2", to: "park-1002")])
        snapshot.parked = [
            ParkedCallInfo(
                slot: 1, id: "c2", caller: "1001", callerName: nil, parkedBy: "1002", since: Fixtures.now, secondsLeft: 45)
        ]
        _ = parked.apply(.synced(snapshot))
        _ = parked.press(.tab, now: Fixtures.now)
        #expect(parked.press(.character("g"), now: Fixtures.now).commands == [.pickUpCall(callID: "c2", extensionNumber: "1005")])
    }

    @Test("t transfers the other party of the user's own answered call (its caller, or its callee when the user called) to the selected extension, after asking; refused without one")
    func transferToTheSelectedExtension() {
        var state = ConsoleState(ownExtension: "1002")
        _ = state.apply(.synced(Fixtures.snapshot()))  // c1: 1001 → 1002, answered
        _ = state.press(.down, now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)  // 1003 selected
        #expect(state.press(.character("t"), now: Fixtures.now).commands.isEmpty)
        var grid = GridCanvas(rows: 24, columns: 80)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.row(containing: "Transfer 1001 Kovács Ödön to 1003 Tóth Győző?") != nil, "\(grid.text)")
        #expect(
            state.press(.character("y"), now: Fixtures.now).commands == [
                .transfer(callID: "c1", to: "1003", keepingCallee: false)
            ])

        // The user's phone made the call: its callee is put through.
        var calling = ConsoleState(ownExtension: "1001")
        _ = calling.apply(.synced(Fixtures.snapshot()))
        _ = calling.press(.down, now: Fixtures.now)
        _ = calling.press(.down, now: Fixtures.now)  // 1003 selected
        _ = calling.press(.character("t"), now: Fixtures.now)
        var callingGrid = GridCanvas(rows: 24, columns: 80)
        calling.render(into: &callingGrid, now: Fixtures.now)
        #expect(callingGrid.row(containing: "Transfer 1002 Szabó Erzsébet to 1003 Tóth Győző?") != nil, "\(callingGrid.text)")
        #expect(
            calling.press(.character("y"), now: Fixtures.now).commands == [
                .transfer(callID: "c1", to: "1003", keepingCallee: true)
            ])

        var notMine = ConsoleState(ownExtension: "1003")
        _ = notMine.apply(.synced(Fixtures.snapshot()))
        #expect(notMine.press(.character("t"), now: Fixtures.now).commands.isEmpty)
        #expect(notMine.model.notice == "you have no answered call to transfer")
        #expect(notMine.stack.screens.count == 1)
    }

    @Test func callTheSelectedExtensionFromTheOwnPhone() {
        var state = ConsoleState(ownExtension: "1002")
        _ = state.apply(.synced(Fixtures.snapshot()))
        _ = state.press(.down, now: Fixtures.now)
        _ = state.press(.down, now: Fixtures.now)  // 1003 selected
        #expect(state.press(.character("c"), now: Fixtures.now).commands.isEmpty)
        var grid = GridCanvas(rows: 24, columns: 80)
        state.render(into: &grid, now: Fixtures.now)
        #expect(grid.row(containing: "Call 1003 Tóth Győző? Your phone 1002 rings first.") != nil, "\(grid.text)")
        #expect(state.press(.character("y"), now: Fixtures.now).commands == [.originate(from: "1002", to: "1003")])

        var own = ConsoleState(ownExtension: "1001")
        _ = own.apply(.synced(Fixtures.snapshot()))  // 1001, its own, is selected
        #expect(own.press(.character("c"), now: Fixtures.now).commands.isEmpty)
        #expect(own.model.notice == "select another extension than your own")

        var anonymous = connected()
        _ = anonymous.press(.character("c"), now: Fixtures.now)
        #expect(anonymous.model.notice == "start vpbx-tui with --extension YOUR-NUMBER to call from your phone")
        #expect(anonymous.stack.screens.count == 1)
    }

    @Test func hangUpAnsweredNoDoesNothing() {
        var state = connected()
        _ = state.press(.character("h"), now: Fixtures.now)  // 1001 is selected and in call c1
        #expect(state.stack.screens.count == 2)
        #expect(state.press(.character("n"), now: Fixtures.now).commands.isEmpty)
        #expect(state.stack.screens.count == 1)
    }

    @Test func hangUpWithoutACallExplains() {
        var state = connected(calls: [])
        _ = state.press(.character("h"), now: Fixtures.now)
        #expect(state.model.notice == "the selected extension is not in a call")
        _ = state.press(.down, now: Fixtures.now)
        #expect(state.model.notice == nil, "a key clears the notice")
    }

    @Test func refreshKeyAsksForAFreshSnapshot() {
        var state = connected()
        #expect(state.press(.character("r"), now: Fixtures.now).commands == [.refresh])
        _ = state.apply(.synced(Fixtures.snapshot()))
        #expect(state.model.notice == nil)
    }

    @Test func ctrlLRepaints() {
        var state = connected()
        #expect(state.press(.control("l"), now: Fixtures.now).repaint)
    }

    @Test func controlCharactersDecodeToNamedKeys() {
        #expect(Key(character: "\t") == .tab)
        #expect(Key(character: "\r") == .enter)
        #expect(Key(character: UnicodeScalar(27)) == .escape)
        #expect(Key(character: UnicodeScalar(12)) == .control("l"))
        #expect(Key(character: "ő") == .character("ő"))
    }
}
