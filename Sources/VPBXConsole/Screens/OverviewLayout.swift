/// Where the overview's parts go for a terminal size: header, banner, the two panels
/// and the footer, top to bottom. Pure arithmetic, so tests can check small terminals.
struct OverviewLayout: Equatable {
    let headerRow = 0
    let bannerRow = 1
    let footerRow: Int
    /// First row and height (title and column headings included) of each panel.
    let extensions: (row: Int, height: Int)
    let calls: (row: Int, height: Int)

    init(rows: Int, callCount: Int) {
        footerRow = max(0, rows - 1)
        let body = max(0, rows - 3)
        let callsHeight = min(body, max(3, min(callCount + 2, body / 2)))
        let extensionsHeight = max(0, body - callsHeight - 1)
        extensions = (2, extensionsHeight)
        calls = (2 + extensionsHeight + (extensionsHeight > 0 ? 1 : 0), callsHeight)
    }

    /// Rows available for list entries in a panel of `height` (after title and headings).
    static func listRows(_ height: Int) -> Int { max(0, height - 2) }

    /// First entry to show so that `selected` stays visible in `visible` rows.
    static func scrollOffset(selected: Int?, visible: Int) -> Int {
        guard let selected, visible > 0 else { return 0 }
        return max(0, selected - visible + 1)
    }

    static func == (a: OverviewLayout, b: OverviewLayout) -> Bool {
        a.footerRow == b.footerRow && a.extensions == b.extensions && a.calls == b.calls
    }
}
