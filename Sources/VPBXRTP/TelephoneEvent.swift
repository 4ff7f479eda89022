/// An RFC 4733 §2.3 telephone-event payload: one DTMF key or tone in 4 bytes.
///
/// ```
///  0                   1                   2                   3
/// |     event     |E|R| volume    |          duration             |
/// ```
/// Senders repeat the packet as the key is held (same RTP timestamp, growing duration) and
/// send the final one, with the end bit, three times.
public struct TelephoneEvent: Sendable, Equatable {
    /// Wire size of one event.
    public static let size = 4

    /// Event code: 0-9 digits, 10 `*`, 11 `#`, 12-15 A-D, 16 flash.
    public var event: UInt8
    /// The E bit: this packet ends the event.
    public var isEnd: Bool
    /// Power level in -dBm0 (0...63, larger is quieter); values above 63 are written as 63.
    public var volume: UInt8
    /// Duration so far, in RTP timestamp units (8000 per second for telephone-event/8000).
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    /// An event for a DTMF digit.
    public init(digit: DTMFDigit, isEnd: Bool = false, volume: UInt8 = 10, duration: UInt16) {
        self.init(event: digit.event, isEnd: isEnd, volume: volume, duration: duration)
    }

    /// Parses the first event of a payload; nil when it is shorter than 4 bytes. Further
    /// events (RFC 4733 §2.5 redundancy) are ignored: the RTP timestamp identifies the event.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.size else { return nil }
        // The R bit is reserved: ignored on receipt, written as zero.
        self.init(
            event: bytes[0], isEnd: bytes[1] & 0x80 != 0, volume: bytes[1] & 0x3F,
            duration: UInt16(bytes[2]) << 8 | UInt16(bytes[3]))
    }

    /// Parses the first event of `bytes`; nil when shorter than 4 bytes.
    public init?(bytes: [UInt8]) {
        guard let parsed = bytes.withUnsafeBytes({ TelephoneEvent(bytes: $0) }) else { return nil }
        self = parsed
    }

    /// Writes the 4 bytes; returns 4, or 0 when `buffer` is too small.
    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard buffer.count >= Self.size else { return 0 }
        buffer[0] = event
        buffer[1] = (isEnd ? 0x80 : 0) | min(volume, 63)
        buffer[2] = UInt8(truncatingIfNeeded: duration >> 8)
        buffer[3] = UInt8(truncatingIfNeeded: duration)
        return Self.size
    }

    /// The 4 wire bytes.
    public var bytes: [UInt8] {
        var out = [UInt8](repeating: 0, count: Self.size)
        _ = out.withUnsafeMutableBytes { write(into: $0) }
        return out
    }

    /// The DTMF digit, when the event is one of the 16 keys.
    public var digit: DTMFDigit? { DTMFDigit(event: event) }
}
