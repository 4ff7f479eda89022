import VPBXTerminal

/// Keys bound to actions, with the words the help overlay shows. The one source of truth
/// for bindings: the help overlay, the footer and the manual page follow this table.
public struct KeyTable: Sendable {
    public struct Binding: Sendable, Hashable {
        public var keys: [Key]
        public var action: ConsoleAction
        public var summary: String

        public init(_ keys: [Key], _ action: ConsoleAction, _ summary: String) {
            self.keys = keys
            self.action = action
            self.summary = summary
        }

        /// `h`, `↑/k`: how help shows the keys.
        public var keyLabel: String { keys.map(\.description).joined(separator: "/") }
    }

    public let bindings: [Binding]

    public init(bindings: [Binding]) { self.bindings = bindings }

    /// The action bound to `key`, if any.
    public func action(for key: Key) -> ConsoleAction? {
        bindings.first { $0.keys.contains(key) }?.action
    }

    /// The binding of `action`, if any.
    public func binding(for action: ConsoleAction) -> Binding? {
        bindings.first { $0.action == action }
    }

    public static let standard = KeyTable(bindings: [
        Binding([.character("q")], .quit, "Quit"),
        Binding([.character("?"), .function(1)], .help, "Show or hide this help"),
        Binding([.character("1")], .showOverview, "Show extensions and calls"),
        Binding([.character("2")], .showQueues, "Show queues, agents, waiting callers"),
        Binding([.character("3")], .showAgent, "Show my agent screen (agents; others with --agent)"),
        Binding([.tab], .nextPanel, "Switch panel (extensions/calls, queues/agents)"),
        Binding([.backTab], .previousPanel, "Switch panel backwards"),
        // One summary, one line of help: every binding must fit an 80x24 terminal.
        Binding([.up, .character("k")], .up, "Select a row; f: find one by typing its number or name"),
        Binding([.down, .character("j")], .down, "Select a row; f: find one by typing its number or name"),
        Binding([.character("f")], .find, "Select a row; f: find one by typing its number or name"),
        Binding([.pageUp], .pageUp, "Page up, page down"),
        Binding([.pageDown], .pageDown, "Page up, page down"),
        Binding([.character("h")], .hangUp, "Hang up the selected call (asks y/n)"),
        Binding([.character("p")], .pause, "Pause the selected agent, or you (asks for a reason)"),
        Binding([.character("u")], .unpause, "Unpause the selected agent, or you"),
        Binding([.character("o")], .logout, "Log the selected agent, or you, out (asks y/n)"),
        Binding([.character("a")], .loginAll, "Agent screen: log in to all my queues (--extension)"),
        Binding([.character("g")], .pickUp, "Pick up ringing/parked call or next queue caller (--extension)"),
        Binding([.character("t")], .transfer, "Transfer your call to the selected extension (--extension)"),
        // One line for both: the help must fit 80x24.
        Binding([.character("c")], .dial, "Your phone calls: c the selected extension, d a number you type"),
        Binding([.character("d")], .dialNumber, "Your phone calls: c the selected extension, d a number you type"),
        Binding([.character("R")], .recording, "Agent screen: pause or resume recording of your call"),
        Binding([.character("m")], .monitor, "Listen/whisper/barge on the selected agent's call (--extension)"),
        Binding([.enter], .choose, "Choose the highlighted entry; agent screen: log in/out of it"),
        Binding([.character("r")], .refresh, "Refresh: reload everything from the engine"),
        Binding([.character("y"), .character("Y")], .confirm, "Yes, in a question"),
        Binding([.character("n"), .character("N"), .escape], .cancel, "No, in a question; close help"),
        Binding([.control("l")], .redraw, "Repaint the terminal"),
    ])

    /// `vpbx-tui --wallboard`: nothing to select or change, so only these.
    public static let wallboard = KeyTable(bindings: [
        Binding([.character("q")], .quit, "Quit"),
        Binding([.character("?"), .function(1)], .help, "Show or hide this help"),
        Binding([.character("r")], .refresh, "Refresh: reload everything from the engine"),
        Binding([.escape], .cancel, "Close help"),
        Binding([.control("l")], .redraw, "Repaint the terminal"),
    ])
}
