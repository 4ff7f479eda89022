/// One SSRC's place in its packet sequence: the rollover counter and highest sequence number
/// seen (RFC 3711 §3.3.1), how the next packet's 48-bit index is guessed from its 16-bit
/// sequence number (Appendix A), and a 64-packet replay list (§3.3.2).
///
/// A packet's index is only accepted once its tag checked out, so forged packets move
/// nothing.
struct SRTPReplayWindow {
    private var rollover: UInt32 = 0
    private var highest: UInt16 = 0
    private var started = false
    /// Bit n: the packet `highestIndex - n` was accepted.
    private var seen: UInt64 = 0

    static let size: UInt64 = 64

    private var highestIndex: UInt64 { UInt64(rollover) << 16 | UInt64(highest) }

    /// The index the packet with `sequence` most likely has: the one of the three rollover
    /// counters around the current one that puts it nearest to the highest index. Nil for a
    /// packet from before the first rollover this stream saw start at 0 (nothing to decrypt
    /// it with).
    func estimate(_ sequence: UInt16) -> UInt64? {
        guard started else { return UInt64(sequence) }
        var rollover = Int64(self.rollover)
        if highest < 32_768 {
            if Int(sequence) - Int(highest) > 32_768 { rollover -= 1 }
        } else if Int(highest) - 32_768 > Int(sequence) {
            rollover += 1
        }
        guard rollover >= 0, rollover <= Int64(UInt32.max) else { return nil }
        return UInt64(rollover) << 16 | UInt64(sequence)
    }

    /// Whether `index` was accepted before, or is too old to tell.
    func isReplay(_ index: UInt64) -> Bool {
        guard started, index <= highestIndex else { return false }
        let age = highestIndex - index
        return age >= Self.size || seen & (1 << age) != 0
    }

    /// Records `index` as received (or sent).
    mutating func accept(_ index: UInt64) {
        guard started else {
            started = true
            set(highest: index)
            seen = 1
            return
        }
        let current = highestIndex
        if index > current {
            let shift = index - current
            seen = shift >= Self.size ? 1 : (seen << shift) | 1
            set(highest: index)
        } else {
            seen |= 1 << (current - index)
        }
    }

    private mutating func set(highest index: UInt64) {
        rollover = UInt32(truncatingIfNeeded: index >> 16)
        highest = UInt16(truncatingIfNeeded: index)
    }
}
