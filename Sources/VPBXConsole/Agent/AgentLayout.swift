/// Where the agent screen's parts go, top to bottom: me (2 rows), the current call (4),
/// my queues, my recent calls; the queues and recent calls share what is left. Pure
/// arithmetic, so 80×24 and resizes are tested without a terminal.
struct AgentLayout: Equatable {
    let me: Int
    let call: Int
    /// First row and height (title and heading included) of the two lists.
    let queues: Area
    let recent: Area
    let footerRow: Int

    struct Area: Equatable {
        var row: Int
        var height: Int
    }

    init(rows: Int, queueCount: Int) {
        footerRow = max(0, rows - 1)
        me = 2
        call = 5
        let listsTop = 10  // the call panel is 4 rows (title, caller, facts, wrap-up) and a gap
        let body = max(0, footerRow - listsTop)  // rows between the call panel and the footer
        // Queues get their rows first (an agent has a handful), but leave recent calls at
        // least a title, a heading and three calls when the screen allows.
        let queuesHeight = min(2 + max(queueCount, 1), max(3, body - 6))
        queues = Area(row: listsTop, height: min(body, queuesHeight))
        let recentRow = listsTop + queues.height + 1
        recent = Area(row: recentRow, height: max(0, footerRow - recentRow))
    }
}
