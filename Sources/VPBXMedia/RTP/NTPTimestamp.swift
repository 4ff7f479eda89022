/// A 64-bit NTP timestamp (RFC 5905): seconds since 1900-01-01 in the high 32 bits, the
/// fraction in the low 32. Built from an injected instant, never from the system clock.
public struct NTPTimestamp: Sendable, Equatable {
    /// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
    public static let unixEpochOffset: UInt64 = 2_208_988_800

    /// Whole seconds since 1900 (wrapping in 2036).
    public var seconds: UInt32
    /// Fraction of a second in units of 2^-32 s.
    public var fraction: UInt32

    /// A timestamp from its two halves.
    public init(seconds: UInt32, fraction: UInt32) {
        self.seconds = seconds
        self.fraction = fraction
    }

    /// The timestamp for `unixSeconds` (seconds since 1970, with fraction), modulo 2^32 s.
    public init(unixSeconds: Double) {
        let whole = unixSeconds.rounded(.down)
        seconds = UInt32(truncatingIfNeeded: UInt64(max(0, whole)) &+ Self.unixEpochOffset)
        fraction = UInt32(min(Double(UInt32.max), (unixSeconds - whole) * 4_294_967_296))
    }

    /// The middle 32 bits, as RTCP LSR/DLSR fields use them.
    public var compact: UInt32 { seconds << 16 | fraction >> 16 }
}
