extension Duration {
    /// The duration in whole nanoseconds: what the timing wheel and the transaction timings
    /// store instead of `Duration`s (8 bytes instead of 16, 64-bit arithmetic).
    @inlinable
    var wholeNanoseconds: Int64 {
        let (seconds, attoseconds) = components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}
