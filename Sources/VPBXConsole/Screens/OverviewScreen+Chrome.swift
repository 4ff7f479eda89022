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
        var left = " vpbx-tui"
        if let status = model.status {
            left += " │ engine \(status.engineVersion)"
        }
        left += " │ \(model.connection.label)"
        if let status = model.status, model.connection.isConnected {
            left += " │ up " + Format.uptime(seconds: Int(context.now.timeIntervalSince(status.startedAt)))
        }
        let live = model.registrations.values.filter { $0.expiresAt > context.now }.count
        let right = "\(model.extensions.count) ext  \(live) reg  \(model.calls.count) calls "
        canvas.fillRow(0, with: left, role: .header, attributes: .bold)
        let width = canvas.size.columns
        if left.count + right.count < width {
            canvas.put(right, row: 0, column: width - right.count, role: .header)
        }
    }

    /// Shown only while not connected.
    func drawBanner<C: Canvas>(into canvas: inout C, row: Int, model: ConsoleModel) {
        switch model.connection {
        case .connected: return
        case .connecting:
            canvas.fillRow(row, with: " connecting to the engine…", role: .muted)
        case .reconnecting(let attempt, let reason):
            canvas.fillRow(row, with: " ⚠ reconnecting… (attempt \(attempt)) \(reason)", role: .warning)
        }
    }

    /// The notice when there is one, else the most used keys from the key table.
    func drawFooter<C: Canvas>(into canvas: inout C, row: Int, context: ScreenContext) {
        if let notice = context.model.notice {
            canvas.fillRow(row, with: " " + notice, role: .warning)
            return
        }
        let hints: [(ConsoleAction, String)] = [
            (.help, "help"), (.nextPanel, "panel"), (.hangUp, "hang up"), (.refresh, "refresh"), (.quit, "quit"),
        ]
        let text = hints.compactMap { action, word in
            context.keyTable.binding(for: action)?.keys.first.map { "\($0) \(word)" }
        }.joined(separator: "  ")
        canvas.fillRow(row, with: " " + text, role: .header)
    }

    /// A panel title; the focused panel is marked.
    func drawPanelTitle<C: Canvas>(into canvas: inout C, row: Int, title: String, panel: Panel) {
        let focused = focus == panel
        canvas.put((focused ? "▸ " : "  ") + title, row: row, column: 0, role: .heading,
                   attributes: focused ? [.bold, .underline] : [])
    }
}
