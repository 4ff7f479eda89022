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

    init(parsing value: Substring, line: Int) throws(SDPError) {
        let parts = value.splitASCII(" ", omittingEmptySubsequences: true)
        guard parts.count == 2, let start = UInt64(parts[0]), let stop = UInt64(parts[1]) else {
            throw SDPError(
                .invalidValue, line: line, "'t=' must be '<start-time> <stop-time>' in numbers, got '\(value)'")
        }
        self.init(start: start, stop: stop)
    }
}
