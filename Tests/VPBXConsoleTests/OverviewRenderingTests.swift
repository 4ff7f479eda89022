import Foundation
import Testing
import VPBXConsole
import VPBXControl
import VPBXTerminal

@Suite("Overview rendering")
struct OverviewRenderingTests {
    func render(_ state: ConsoleState, rows: Int = 24, columns: Int = 80) -> GridCanvas {
        var canvas = GridCanvas(rows: rows, columns: columns)
        state.render(into: &canvas, now: Fixtures.now)
        return canvas
    }

    func connectedState(calls: [CallInfo] = [Fixtures.call()]) -> ConsoleState {
        var state = ConsoleState()
        _ = state.apply(.synced(Fixtures.snapshot(calls: calls)))
        return state
    }

    @Test func drawsHeaderExtensionsAndCallsAt80x24() throws {
        let grid = render(connectedState())
        let lines = grid.lines
        #expect(lines[0].contains("engine 0.9.1"), "\(grid.text)")
        #expect(lines[0].contains("connected"))
        #expect(lines[0].contains("up 1h02m"))
        #expect(lines[0].contains("3 ext  2 reg  1 calls"))
        let kovacs = try #require(grid.row(containing: "Kovács Ödön"), "\(grid.text)")
        #expect(lines[kovacs].contains("1001"))
        #expect(lines[kovacs].contains("busy"))
        #expect(lines[try #require(grid.row(containing: "Tóth Győző"))].contains("offline"))
        let call = try #require(grid.row(containing: "→"), "\(grid.text)")
        #expect(call > kovacs)
        #expect(lines[call].contains("1001 Kovács Ödön"))
        #expect(lines[call].contains("1002 Szabó Erzsébet"))
        #expect(lines[call].contains("answered"))
        #expect(lines[call].hasSuffix("1:23"))
        #expect(lines[23].contains("? help"))
        #expect(lines.allSatisfy { $0.count <= 80 })
    }

    @Test func aCallWaitingForAMobilesOneShowsConfirm() throws {
        var state = connectedState(calls: [])
        let ringing = Fixtures.call("c3", from: "1001", to: "1002", state: .ringing, answeredSecondsAgo: nil)
        let confirming = Fixtures.confirmingEvent(11, ringing, extension: "1002")
        _ = state.apply(.event(confirming))
        let grid = render(state)
        let call = try #require(grid.row(containing: "→"), "\(grid.text)")
        #expect(grid.lines[call].contains("confirm") && !grid.lines[call].contains("ringing"), "\(grid.lines[call])")
    }

    @Test func aParkedCallShowsItsSlotAndWhoParkedItUntilItLeaves() throws {
        let waiting = Fixtures.call("c4", from: "1001", to: "park-1002", state: .answered)
        var snapshot = Fixtures.snapshot(calls: [waiting])
        snapshot.parked = [
            ParkedCallInfo(
                slot: 3, id: "c4", caller: "1001", callerName: nil, parkedBy: "1002", since: Fixtures.now - 20,
                secondsLeft: 25)
        ]
        var state = ConsoleState()
        _ = state.apply(.synced(snapshot))
        var grid = render(state)
        var row = try #require(grid.row(containing: "→"), "\(grid.text)")
        #expect(grid.lines[row].contains("parked by 1002 Szabó") && grid.lines[row].contains("slot 3"), "\(grid.lines[row])")

        let left = RPCEvent(
            seq: 11, topic: "call", type: "call.unparked",
            data: .object(["id": .string("c4"), "slot": .int(3), "parkedBy": .string("1002"), "reason": .string("timeout")]))
        _ = state.apply(.event(left))
        grid = render(state)
        row = try #require(grid.row(containing: "→"), "\(grid.text)")
        #expect(!grid.lines[row].contains("slot 3") && grid.lines[row].contains("answered"), "\(grid.lines[row])")

        let parkedAgain = RPCEvent(
            seq: 12, topic: "call", type: "call.parked",
            data: .object(["id": .string("c4"), "slot": .int(5), "parkedBy": .string("1001"), "caller": .string("1001")]))
        _ = state.apply(.event(parkedAgain))
        grid = render(state)
        row = try #require(grid.row(containing: "→"), "\(grid.text)")
        #expect(grid.lines[row].contains("slot 5"), "\(grid.lines[row])")
    }

    @Test func anExtensionForwardingEveryCallShowsWhere() throws {
        var snapshot = Fixtures.snapshot(calls: [])
        let index = try #require(snapshot.extensions.firstIndex { $0.name == "Szabó Erzsébet" })
        snapshot.extensions[index].forwardAlways = "+36301234567"
        var state = ConsoleState()
        _ = state.apply(.synced(snapshot))
        let grid = render(state)
        let row = try #require(grid.row(containing: "Szabó"), "\(grid.text)")
        #expect(grid.line(row).contains("fwd +36301234567"), "\(grid.line(row))")
        #expect(!grid.line(try #require(grid.row(containing: "Kovács"))).contains("fwd"))
    }

    @Test("an extension in do not disturb is marked DND beside its name")
    func doNotDisturbIsMarked() throws {
        var snapshot = Fixtures.snapshot(calls: [])
        let index = try #require(snapshot.extensions.firstIndex { $0.name == "Szabó Erzsébet" })
        snapshot.extensions[index].doNotDisturb = true
        var state = ConsoleState()
        _ = state.apply(.synced(snapshot))
        let grid = render(state)
        #expect(grid.line(try #require(grid.row(containing: "Szabó"))).contains(" DND free"), "\(grid.text)")
        #expect(!grid.line(try #require(grid.row(containing: "Kovács"))).contains("DND"))
    }

    @Test func hungarianLettersTakeOneCellEach() throws {
        let grid = render(connectedState())
        let row = try #require(grid.row(containing: "Kovács Ödön"))
        let cells = grid.cells[row].map(\.character)
        let start = try #require(cells.firstIndex(of: "K"))
        #expect(String(cells[start..<start + 11]) == "Kovács Ödön")
        #expect(grid.cells[row][start + 8].character == "d")
    }

    @Test func presenceHasItsColourRole() throws {
        let grid = render(connectedState(calls: []))
        let row = try #require(grid.row(containing: "Szabó"))
        let column = try #require(grid.line(row).distance(of: "free"))
        #expect(grid.cells[row][column].role == .good)
    }

    @Test func showsReconnectingWhenTheEngineIsGone() throws {
        var state = connectedState()
        _ = state.apply(.lost(attempt: 2, reason: "cannot reach the engine at /tmp/x.sock"))
        let grid = render(state)
        #expect(grid.lines[0].contains("reconnecting…"))
        #expect(grid.lines[1].contains("attempt 2"))
        #expect(grid.row(containing: "Kovács Ödön") != nil, "the last known state stays visible")
    }

    @Test func emptyListsSayWhatToDo() throws {
        var state = ConsoleState()
        var snapshot = Fixtures.snapshot(calls: [])
        snapshot.extensions = []
        _ = state.apply(.synced(snapshot))
        let grid = render(state)
        #expect(grid.row(containing: "no extensions yet") != nil)
        #expect(grid.row(containing: "no calls in progress") != nil)
    }

    @Test func fitsTinyTerminalsWithoutTrapping() throws {
        for (rows, columns) in [(1, 1), (3, 10), (5, 20), (0, 0)] {
            let grid = render(connectedState(), rows: rows, columns: columns)
            #expect(grid.size == TerminalSize(rows: rows, columns: columns))
        }
    }

    @Test func manyExtensionsScrollToKeepTheSelectionVisible() throws {
        var state = ConsoleState()
        var snapshot = Fixtures.snapshot(calls: [])
        snapshot.extensions = (100..<160).map { ExtensionInfo(number: "\($0)", name: "Mellék \($0)", kind: .desk) }
        _ = state.apply(.synced(snapshot))
        for _ in 0..<40 { _ = state.press(.down, now: Fixtures.now) }
        let grid = render(state)
        let row = try #require(grid.row(containing: "Mellék 140"), "\(grid.text)")
        #expect(grid.cells[row][1].role == .selection)
    }
}

extension String {
    /// Column of the first occurrence of `needle` (one Character per column).
    fileprivate func distance(of needle: String) -> Int? {
        range(of: needle).map { distance(from: startIndex, to: $0.lowerBound) }
    }
}
