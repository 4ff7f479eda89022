import Foundation
import Testing
import VPBXConsole
import VPBXControl
import VPBXTerminal

/// `d`: a number typed into the console is called from the user's own phone. While the box
/// is open keys are text: letters that are bindings elsewhere (`q`, `h`) do nothing to the
/// console.
@Suite("Calling a typed number")
struct NumberEntryTests {
    static let now = Fixtures.now

    static func type(_ text: String, into state: inout ConsoleState) -> ConsoleState.Effects {
        var effects = ConsoleState.Effects()
        for character in text { effects = state.press(.character(character), now: now) }
        return effects
    }

    static func render(_ state: ConsoleState) -> GridCanvas {
        var grid = GridCanvas(rows: 24, columns: 80)
        state.render(into: &grid, now: now)
        return grid
    }

    @Test func aCustomersNumberAsWrittenIsDialledWithoutItsSpaces() throws {
        var state = ConsoleState(ownExtension: "1002")
        _ = state.apply(.synced(Fixtures.snapshot()))
        #expect(state.press(.character("d"), now: Self.now).commands.isEmpty)
        #expect(state.stack.top is NumberEntry)
        var grid = Self.render(state)
        #expect(grid.row(containing: "Number to call? Your phone 1002 rings first.") != nil, "\(grid.text)")

        #expect(Self.type("06 30 123-4567", into: &state).commands.isEmpty)
        grid = Self.render(state)
        #expect(grid.row(containing: "> 06 30 123-4567_") != nil, "\(grid.text)")
        // A slip corrected: Backspace takes the last character.
        _ = Self.type("8", into: &state)
        _ = state.press(.backspace, now: Self.now)
        #expect(state.press(.enter, now: Self.now).commands == [.originate(from: "1002", to: "06301234567")])
        #expect(state.stack.screens.count == 1)
    }

    @Test func lettersAreTextNotCommandsWhileTheBoxIsOpen() throws {
        var state = ConsoleState(ownExtension: "1002")
        _ = state.apply(.synced(Fixtures.snapshot()))
        _ = state.press(.character("d"), now: Self.now)
        let typed = Self.type("qh?", into: &state)
        #expect(!typed.quit && typed.commands.isEmpty)
        #expect(state.stack.screens.count == 2 && state.stack.top is NumberEntry)
        #expect(Self.render(state).row(containing: "a number has digits, + * # and spaces only") != nil)
        // Enter with nothing to dial explains and keeps the box.
        #expect(state.press(.enter, now: Self.now).commands.isEmpty)
        #expect(Self.render(state).row(containing: "type the number to call first") != nil)
        _ = Self.type("+44 20 7946 0018", into: &state)
        #expect((state.stack.top as? NumberEntry)?.number == "+442079460018")
        // Ctrl-L still repaints; Esc cancels without a call.
        #expect(state.press(.control("l"), now: Self.now).repaint)
        #expect(state.press(.escape, now: Self.now).commands.isEmpty)
        #expect(state.stack.screens.count == 1)
        #expect(state.press(.character("q"), now: Self.now).quit, "q quits again once the box is closed")
    }

    @Test func aNumberLongerThanAnyIsCutAtThirtyTwoCharacters() {
        var entry = NumberEntry(from: "1001")
        let context = ScreenContext(model: ConsoleModel(), now: Self.now)
        for _ in 0..<40 { _ = entry.type(.character("5"), context: context) }
        #expect(entry.text.count == 32)
    }

    @Test func withoutTheUsersPhoneTheKeySaysWhatIsMissing() {
        var anonymous = ConsoleState()
        _ = anonymous.apply(.synced(Fixtures.snapshot()))
        _ = anonymous.press(.character("d"), now: Self.now)
        #expect(anonymous.model.notice == "start vpbx-tui with --extension YOUR-NUMBER to call from your phone")
        #expect(anonymous.stack.screens.count == 1)
    }

    @Test func anAgentCallsFromThePhoneItIsLoggedInAt() {
        // No --extension: the agent's logged-in extension rings.
        var state = AgentScreenTests.agentConsole(AgentScreenTests.me(extensionNumber: "1007"), ownExtension: nil)
        _ = state.press(.character("d"), now: Self.now)
        #expect(state.stack.top is NumberEntry, "\(state.model.notice ?? "")")
        _ = Self.type("0612345678", into: &state)
        #expect(state.press(.enter, now: Self.now).commands == [.originate(from: "1007", to: "0612345678")])

        var loggedOut = AgentScreenTests.agentConsole(AgentScreenTests.me(state: "logged-out"), ownExtension: nil)
        _ = loggedOut.press(.character("d"), now: Self.now)
        #expect(loggedOut.stack.screens.count == 1 && loggedOut.model.notice != nil)
    }
}
