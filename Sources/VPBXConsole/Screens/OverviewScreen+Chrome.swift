import Foundation
import VPBXTerminal

extension OverviewScreen {
    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let layout = OverviewLayout(rows: canvas.size.rows, callCount: context.model.calls.count)
        drawHeader(into: &canvas, context: context)
        drawBanner(into: &canvas, row: layout.bannerRow, model: context.model)
        drawExtensions(into: &canvas, at: layout.extensions, context: context)
        drawCalls(into: &canvas, at: layout.calls, context: context)
        drawFooter(into: &canvas, row: layout.footerRow, context: context)
    }

    /// Engine version, connection state and uptime on the left, counts on the right.
    func drawHeader<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let model = context.model
        let live = model.registrations.values.filter { $0.expiresAt > context.now }.count
        let right = "\(model.extensions.count) ext  \(live) reg  \(model.calls.count) calls "
        Chrome.header(into: &canvas, left: " vpbx-tui" + Chrome.engineLine(context), right: right)
    }

    /// Shown only while not connected.
    func drawBanner<C: Canvas>(into canvas: inout C, row: Int, model: ConsoleModel) {
        Chrome.banner(into: &canvas, row: row, model: model)
    }

    /// The notice when there is one, else the most used keys from the key table; while
    /// finding, what is typed and how many extensions it finds.
    func drawFooter<C: Canvas>(into canvas: inout C, row: Int, context: ScreenContext) {
        if let finder {
            let found = finder.matches(in: context.model.extensionNumbers, name: context.model.name(of:)).count
            finder.drawFooter(into: &canvas, row: row, found: found, typing: "a number or a name")
            return
        }
        var hints: [(ConsoleAction, String)] = [(.help, "help")]
        if context.model.mayUseQueuesScreen { hints.append((.showQueues, "queues")) }
        hints += [(.nextPanel, "panel"), (.hangUp, "hang up"), (.refresh, "refresh"), (.quit, "quit")]
        Chrome.footer(into: &canvas, row: row, context: context, hints: hints)
    }

    /// A panel title; the focused panel is marked.
    func drawPanelTitle<C: Canvas>(into canvas: inout C, row: Int, title: String, panel: Panel) {
        let focused = focus == panel
        canvas.put(
            (focused ? "▸ " : "  ") + title, row: row, column: 0, role: .heading,
            attributes: focused ? [.bold, .underline] : [])
    }
}
