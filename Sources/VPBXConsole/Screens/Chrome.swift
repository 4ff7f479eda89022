import Foundation
import VPBXTerminal

/// The parts every full screen shares: the title bar, the "reconnecting" banner and the
/// footer with the keys (or the last notice).
enum Chrome {
    /// `left` in bold on the title bar, `right` flush right when both fit.
    static func header<C: Canvas>(into canvas: inout C, left: String, right: String) {
        canvas.fillRow(0, with: left, role: .header, attributes: .bold)
        let width = canvas.size.columns
        if left.count + right.count < width {
            canvas.put(right, row: 0, column: width - right.count, role: .header)
        }
    }

    /// ` │ engine 0.9.1 │ connected │ up 1h02m`: what the title bar says after the name, and
    /// ` │ ⚠ OVERLOADED: new calls refused` while the engine sheds load (callers get 503), and
    /// ` │ ⚠ STOPPING ...` while it drains (`vpbx stop --when-idle` or `--refuse-new`).
    static func engineLine(_ context: ScreenContext) -> String {
        let model = context.model
        var text = ""
        if let status = model.status { text += " │ engine \(status.engineVersion)" }
        text += " │ \(model.connection.label)"
        if let status = model.status, model.connection.isConnected {
            if status.overloaded == true { text += " │ ⚠ OVERLOADED: new calls refused" }
            switch status.draining {
            case "refuse-new": text += " │ ⚠ STOPPING: new calls refused, calls up go on"
            case "when-idle": text += " │ ⚠ STOPPING once the last call ends"
            default: break
            }
            text += " │ up " + Format.uptime(seconds: Int(context.now.timeIntervalSince(status.startedAt)))
        }
        return text
    }

    /// Shown only while not connected.
    static func banner<C: Canvas>(into canvas: inout C, row: Int, model: ConsoleModel) {
        switch model.connection {
        case .connected: return
        case .connecting:
            canvas.fillRow(row, with: " connecting to the engine…", role: .muted)
        case .reconnecting(let attempt, let reason):
            canvas.fillRow(row, with: " ⚠ reconnecting… (attempt \(attempt)) \(reason)", role: .warning)
        }
    }

    /// The notice when there is one, else `hints` with their keys from the key table.
    static func footer<C: Canvas>(
        into canvas: inout C, row: Int, context: ScreenContext, hints: [(ConsoleAction, String)]
    ) {
        if let notice = context.model.notice {
            canvas.fillRow(row, with: " " + notice, role: .warning)
            return
        }
        canvas.fillRow(row, with: " " + keyHints(hints, table: context.keyTable), role: .header)
    }

    /// `? help  q quit`: the first key of each action's binding; unbound actions are left out.
    static func keyHints(_ hints: [(ConsoleAction, String)], table: KeyTable) -> String {
        hints.compactMap { action, word in
            table.binding(for: action)?.keys.first.map { "\($0) \(word)" }
        }.joined(separator: "  ")
    }
}
