import Foundation
import VPBXTerminal

/// `vpbx-tui --wallboard`: a read-only full screen for a TV. Per queue: callers waiting,
/// longest wait, service level today, answered and abandoned today, agents available, on
/// call and paused; figures past a threshold turn yellow (warning) or red (alert). Big
/// block digits when the terminal has room for them, a table otherwise.
public struct WallboardScreen: Screen {
    public let options: WallboardOptions

    public init(options: WallboardOptions = WallboardOptions()) { self.options = options }

    public var isOverlay: Bool { false }

    /// Read-only: every action gets its global meaning (quit, help, refresh).
    public mutating func handle(_ action: ConsoleAction, context: ScreenContext) -> ScreenOutcome { .ignored }

    /// Rows one queue takes in big-digit layout: name, labels, five digit rows, the small
    /// figures and a gap.
    static let bigQueueHeight = 9
    /// Narrowest terminal for big digits.
    static let bigMinimumColumns = 100

    /// What the table's columns count over.
    static let periodNote = "waiting, longest, agents: now   SL%, answered, abandoned: today (since 0:00)"

    /// Whether `count` queues fit in big digits on `size`.
    public static func usesBigDigits(queues count: Int, size: TerminalSize) -> Bool {
        count > 0 && size.columns >= bigMinimumColumns && size.rows >= 3 + count * bigQueueHeight
    }

    public func draw<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let figures = WallboardFigures.all(model: context.model, options: options, now: context.now)
        Chrome.header(
            into: &canvas, left: " vpbx wallboard" + Chrome.engineLine(context), right: "\(figures.count) queues ")
        Chrome.banner(into: &canvas, row: 1, model: context.model)
        let footer = canvas.size.rows - 1
        if footer > 1 {
            let keys = Chrome.keyHints([(.quit, "quit")], table: context.keyTable)
            let text = " \(keys)   thresholds \(options.thresholds)"
            canvas.fillRow(footer, with: context.model.notice.map { " " + $0 } ?? text, role: .muted)
        }
        guard !figures.isEmpty else {
            drawEmpty(into: &canvas, context: context)
            return
        }
        if Self.usesBigDigits(queues: figures.count, size: canvas.size) {
            for (index, queue) in figures.enumerated() {
                drawBig(queue, into: &canvas, row: 2 + index * Self.bigQueueHeight)
            }
        } else {
            // The last row above the footer says which figures are "now" and which "today".
            let noteRow = footer - 1
            let fits = noteRow > 3 + figures.count
            drawTable(figures, into: &canvas, firstRow: 2, lastRow: fits ? noteRow - 1 : footer - 1)
            if fits { canvas.put(" " + Self.periodNote, row: noteRow, column: 0, role: .muted) }
        }
    }

    private func drawEmpty<C: Canvas>(into canvas: inout C, context: ScreenContext) {
        let model = context.model
        let lines: [String]
        if !model.connection.isConnected && model.status == nil {
            lines = ["waiting for the engine…"]
        } else if !model.hasCallCenter {
            lines = ["no queues", "(this engine has no call center, or your role may not read queue figures)"]
        } else {
            lines = ["no queues", "(create one with: vpbx queue add NAME)"]
        }
        let top = max(2, canvas.size.rows / 2 - 1)
        for (offset, line) in lines.enumerated() {
            let column = max(0, (canvas.size.columns - line.count) / 2)
            canvas.put(
                line, row: top + offset, column: column, role: offset == 0 ? .heading : .muted,
                attributes: offset == 0 ? .bold : [])
        }
    }

    /// The colour role of a figure at `level`.
    static func role(_ level: WallboardThresholds.Level) -> ColorRole {
        switch level {
        case .normal: return .normal
        case .warning: return .warning
        case .alert: return .alert
        }
    }
}
