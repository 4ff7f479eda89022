import Foundation
import Testing
import VPBXConsole
import VPBXControl
import VPBXTerminal

@Suite("Wallboard")
struct WallboardTests {
    func wallboard(
        _ snapshot: ConsoleSnapshot = Fixtures.callCenterSnapshot(role: .wallboard),
        options: WallboardOptions = WallboardOptions()
    ) -> ConsoleState {
        var state = ConsoleState(mode: .wallboard(options))
        _ = state.apply(.synced(snapshot))
        return state
    }

    func render(_ state: ConsoleState, rows: Int = 24, columns: Int = 80, now: Date = Fixtures.now) -> GridCanvas {
        var grid = GridCanvas(rows: rows, columns: columns)
        state.render(into: &grid, now: now)
        return grid
    }

    @Test("80×24 shows one row of plain figures per queue")
    func plainTableAt80x24() throws {
        let grid = render(wallboard())
        #expect(grid.lines[0].contains("vpbx wallboard"), "\(grid.text)")
        #expect(grid.lines[0].contains("connected"))
        let heading = try #require(grid.row(containing: "Longest"), "\(grid.text)")
        for title in ["Queue", "Waiting", "SL%", "Answered", "Abandoned", "Avail", "On call", "Paused"] {
            #expect(grid.lines[heading].contains(title))
        }
        let support = try #require(grid.row(containing: "support"))
        let words = grid.lines[support].split(separator: " ").map(String.init)
        #expect(words == ["support", "2", "00:42", "85%", "40", "3", "1", "1", "1"], "\(grid.text)")
        let sales = try #require(grid.row(containing: "sales"))
        #expect(sales < support, "queues by name")
        #expect(grid.lines[sales].contains("00:00"))
        #expect(grid.lines[22].contains("abandoned: today (since 0:00)"), "\(grid.text)")
        #expect(grid.lines[23].contains("q quit"))
        #expect(grid.lines[23].contains("wait=30/60,sl=80/60,waiting=3/6"))
        #expect(grid.lines.allSatisfy { $0.count <= 80 })
        #expect(!grid.text.contains("███"), "no big digits in 80×24")
    }

    @Test("durations tick from the callers' join times")
    func longestWaitTicks() throws {
        let grid = render(wallboard(), now: Fixtures.now + 20)
        let support = try #require(grid.row(containing: "support"))
        #expect(grid.lines[support].contains("01:02"), "\(grid.text)")
    }

    @Test("figures past their thresholds turn warning or alert")
    func thresholdsColourFigures() throws {
        let busy = Fixtures.queue(waits: [75, 40, 30, 20, 10, 5], serviceLevel: 72)
        let grid = render(wallboard(Fixtures.callCenterSnapshot(role: .wallboard, queues: [busy])))
        let row = try #require(grid.row(containing: "support"), "\(grid.text)")
        let line = grid.line(row)
        let waiting = try #require(line.column(of: " 6 "))
        #expect(grid.cells[row][waiting + 1].role == .alert, "6 waiting reaches the alert (6)")
        let wait = try #require(line.column(of: "01:15"))
        #expect(grid.cells[row][wait].role == .alert, "75 s reaches the alert (60 s)")
        let level = try #require(line.column(of: "72%"))
        #expect(grid.cells[row][level].role == .warning, "72 % is below the warning (80 %)")
        #expect(grid.cells[row][level].attributes.contains(.bold))
        let answered = try #require(line.column(of: "40"))
        #expect(grid.cells[row][answered].role == .normal)
    }

    @Test("custom thresholds move the limits")
    func customThresholds() throws {
        let options = WallboardOptions(thresholds: try WallboardThresholds(parsing: "wait=50/100,waiting=1/2"))
        let grid = render(wallboard(options: options))
        let row = try #require(grid.row(containing: "support"))
        let line = grid.line(row)
        let wait = try #require(line.column(of: "00:42"))
        #expect(grid.cells[row][wait].role == .normal, "42 s is under the 50 s warning")
        let waiting = try #require(line.column(of: " 2 "))
        #expect(grid.cells[row][waiting + 1].role == .alert, "2 waiting reaches the alert (2)")
    }

    @Test("a large terminal shows big block digits")
    func bigDigitsOnALargeTerminal() throws {
        let grid = render(wallboard(), rows: 40, columns: 120)
        let title = try #require(grid.row(containing: " support "), "\(grid.text)")
        let labels = title + 1
        #expect(grid.lines[labels].contains("CALLS WAITING"))
        #expect(grid.lines[labels].contains("LONGEST WAIT"))
        #expect(grid.lines[labels].contains("SERVICE LEVEL TODAY"))
        let digits = BigDigits.rows("00:42")
        let column = try #require(grid.line(labels).column(of: "LONGEST WAIT"))
        for (offset, text) in digits.enumerated() {
            let line = grid.line(labels + 1 + offset)
            let cells = Array(line)[column..<column + text.count]
            #expect(String(cells) == text, "row \(offset):\n\(grid.text)")
        }
        #expect(grid.cells[labels + 1][column].role == .warning, "42 s is past the 30 s warning")
        #expect(grid.line(labels + 1).contains(BigDigits.rows("85%")[0]))
        #expect(grid.lines[labels + 6].contains("today: answered 40, abandoned 3"), "\(grid.text)")
        #expect(grid.lines[labels + 6].contains("agents now: available 1, on call 1, paused 1"))
        #expect(grid.row(containing: " sales ") != nil)
    }

    @Test("--queues picks and orders queues; an unknown one says so")
    func queueFilter() throws {
        let state = wallboard(options: WallboardOptions(queues: ["support", "nosuch"]))
        let grid = render(state)
        let support = try #require(grid.row(containing: "support"))
        let missing = try #require(grid.row(containing: "nosuch"), "\(grid.text)")
        #expect(missing == support + 1)
        #expect(grid.lines[missing].contains("no such queue"))
        #expect(grid.row(containing: "sales") == nil)
    }

    @Test("no queues, and an engine without a call center, say so")
    func noQueues() {
        var grid = render(wallboard(Fixtures.callCenterSnapshot(role: .wallboard, queues: [])))
        #expect(grid.row(containing: "no queues") != nil, "\(grid.text)")
        #expect(grid.row(containing: "vpbx queue add") != nil)
        grid = render(wallboard(Fixtures.callCenterSnapshot(role: .wallboard, queues: nil, agents: nil)))
        #expect(grid.row(containing: "no call center") != nil, "\(grid.text)")
    }

    @Test("the last figures stay under a reconnecting banner")
    func reconnecting() throws {
        var state = wallboard()
        _ = state.apply(.lost(attempt: 3, reason: "cannot reach the engine"))
        let grid = render(state)
        #expect(grid.lines[0].contains("reconnecting…"))
        #expect(grid.lines[1].contains("attempt 3"))
        #expect(grid.row(containing: "support") != nil)
    }

    @Test("q quits; keys that change things do nothing on a wallboard")
    func keys() {
        var state = wallboard()
        #expect(state.press(.character("h"), now: Fixtures.now) == ConsoleState.Effects())
        #expect(state.press(.character("2"), now: Fixtures.now) == ConsoleState.Effects())
        #expect(state.press(.character("q"), now: Fixtures.now).quit)
    }

    @Test("a wallboard account gets the wallboard in the normal console")
    func wallboardRoleShowsTheWallboard() {
        var state = ConsoleState()
        _ = state.apply(.synced(Fixtures.callCenterSnapshot(role: .wallboard)))
        #expect(state.stack.screens[0] is WallboardScreen)
        let grid = render(state)
        #expect(grid.lines[0].contains("vpbx wallboard"))
    }

    @Test("tiny terminals do not trap")
    func tinyTerminals() {
        for (rows, columns) in [(0, 0), (1, 1), (3, 10), (6, 30), (12, 100)] {
            let grid = render(wallboard(), rows: rows, columns: columns)
            #expect(grid.size == TerminalSize(rows: rows, columns: columns))
        }
    }
}

@Suite("Wallboard thresholds and digits")
struct WallboardThresholdsTests {
    @Test("defaults: wait 30/60 s, service level 80/60 %, waiting 3/6")
    func defaults() {
        let limits = WallboardThresholds()
        #expect(limits.level(wait: 29) == .normal)
        #expect(limits.level(wait: 30) == .warning)
        #expect(limits.level(wait: 60) == .alert)
        #expect(limits.level(serviceLevel: 80) == .normal)
        #expect(limits.level(serviceLevel: 79.9) == .warning)
        #expect(limits.level(serviceLevel: 59) == .alert)
        #expect(limits.level(serviceLevel: nil) == .normal)
        #expect(limits.level(waiting: 2) == .normal)
        #expect(limits.level(waiting: 3) == .warning)
        #expect(limits.level(waiting: 6) == .alert)
    }

    @Test("the compact option parses any subset and prints back")
    func parses() throws {
        let limits = try WallboardThresholds(parsing: "sl=90/70, wait=20/40")
        #expect(limits.description == "wait=20/40,sl=90/70,waiting=3/6")
        #expect(try WallboardThresholds(parsing: limits.description) == limits)
    }

    @Test(
        "bad values explain what to type",
        arguments: ["wait=60", "wait=a/b", "speed=1/2", "wait=60/30", "sl=60/80", "x"])
    func rejects(_ text: String) {
        #expect(throws: ThresholdsError.self) { try WallboardThresholds(parsing: text) }
    }

    @Test("--queues splits at commas")
    func queueList() {
        #expect(WallboardOptions.queueList("sales, support,,") == ["sales", "support"])
        #expect(WallboardOptions.queueList(" , ") == nil)
        #expect(WallboardOptions.queueList(nil) == nil)
    }

    @Test("block digits are 3×5 with one blank column between glyphs")
    func blockDigits() {
        let rows = BigDigits.rows("10:5")
        #expect(rows.count == 5)
        #expect(rows[0] == " █  ███   ███")
        #expect(rows[1] == "██  █ █ █ █  ")
        #expect(rows[4] == "███ ███   ███")
        #expect(BigDigits.width("00:42") == 4 * 3 + 1 + 4)
    }
}

extension String {
    /// Column of the first occurrence of `needle` (one Character per column).
    func column(of needle: String) -> Int? {
        range(of: needle).map { distance(from: startIndex, to: $0.lowerBound) }
    }
}

@Suite("Theme: monochrome fallback of the wallboard levels")
struct WallboardThemeTests {
    @Test("warnings are bold and alerts bold reverse without colours; alerts are white on red with them")
    func monochromeFallback() {
        let theme = Theme.standard
        #expect(theme.style(.warning).monochrome == .bold)
        #expect(theme.style(.alert).monochrome == [.bold, .reverse])
        #expect(theme.style(.alert).foreground == .white)
        #expect(theme.style(.alert).background == .red)
    }
}
