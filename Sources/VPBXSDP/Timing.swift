import VPBXText

/// A `t=` line with the `r=` repeat lines that belong to it.
public struct Timing: Sendable, Equatable {
    /// NTP start time; 0 means "already started" (SIP always uses `t=0 0`).
    public var start: UInt64
    /// NTP stop time; 0 means unbounded.
    public var stop: UInt64
    /// Raw values of the `r=` lines following this `t=` line.
    public var repeats: [String]

    public init(start: UInt64 = 0, stop: UInt64 = 0, repeats: [String] = []) {
        self.start = start
        self.stop = stop
        self.repeats = repeats
    }

    init(parsing text: ByteText, _ value: Range<Int>, line: Int) throws(SDPError) {
        let parts = text.split(value, at: UInt8(ascii: " "))
        func number(_ part: Range<Int>) -> UInt64? { text.decimal(part, upTo: .max) ?? UInt64(text.string(part)) }
        guard parts.count == 2, let start = number(parts[0]), let stop = number(parts[1]) else {
            throw SDPError(
                .invalidValue, line: line, "'t=' must be '<start-time> <stop-time>' in numbers, got '\(text.string(value))'")
        }
        self.init(start: start, stop: stop)
    }
}
