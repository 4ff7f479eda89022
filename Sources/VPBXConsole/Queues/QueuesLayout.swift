/// Where the queues screen's panels go: queues on top, the selected queue's agents in the
/// middle (they get the room), its waiting callers below. Pure arithmetic.
struct QueuesLayout: Equatable {
    let footerRow: Int
    /// First row and height (title and headings included) of each panel.
    let queues: Area
    let agents: Area
    let waiting: Area

    struct Area: Equatable {
        var row: Int
        var height: Int
    }

    init(rows: Int, queueCount: Int, waitingCount: Int) {
        footerRow = max(0, rows - 1)
        let body = max(0, rows - 3)  // header, banner, footer
        let share = max(1, body / 4)
        let queuesHeight = min(body, 2 + min(max(queueCount, 1), share))
        let waitingHeight = min(max(0, body - queuesHeight - 1), 2 + min(max(waitingCount, 1), share))
        let agentsHeight = max(0, body - queuesHeight - waitingHeight - 2)
        queues = Area(row: 2, height: queuesHeight)
        agents = Area(row: 2 + queuesHeight + 1, height: agentsHeight)
        waiting = Area(row: agents.row + agentsHeight + (agentsHeight > 0 ? 1 : 0), height: waitingHeight)
    }
}
