/// What a piece of text means, not how it looks: the `Theme` turns roles into colours (or,
/// on a monochrome terminal, into attributes). Screens only ever name roles.
public enum ColorRole: Int, CaseIterable, Sendable, Hashable {
    case normal
    /// Title bars and the status line.
    case header
    /// Panel titles and column headings.
    case heading
    /// The selected row.
    case selection
    /// Good news: connected, free.
    case good
    /// Attention: ringing, reconnecting.
    case warning
    /// Trouble: busy, errors.
    case danger
    /// Less important text: offline, hints.
    case muted
    /// Dialogs and overlays.
    case overlay
    /// Needs someone now: a wallboard figure past its alert threshold.
    case alert
}
