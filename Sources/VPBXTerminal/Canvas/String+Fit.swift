extension String {
    /// Cut to `width` columns (ending in `…` when cut) and padded with spaces to exactly
    /// `width`, for table cells and bars. One `Character` is one column (see `Canvas`).
    public func fitted(to width: Int, alignment: TextAlignment = .left) -> String {
        guard width > 0 else { return "" }
        let length = count
        if length > width {
            return width == 1 ? "…" : String(prefix(width - 1)) + "…"
        }
        let padding = String(repeating: " ", count: width - length)
        return alignment == .left ? self + padding : padding + self
    }
}

/// Where `fitted(to:alignment:)` puts the padding.
public enum TextAlignment: Sendable {
    case left, right
}
