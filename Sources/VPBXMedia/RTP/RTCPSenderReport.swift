/// An RTCP sender report (RFC 3550 §6.4.1) without report blocks, as pure bytes.
///
/// ```
/// |V=2|P|RC=0| PT=200 | length=6 | SSRC | NTP sec | NTP frac | RTP ts | packets | octets |
/// ```
/// A compound RTCP packet must also carry an SDES CNAME (§6.1): `compound(cname:)`.
public struct RTCPSenderReport: Sendable, Equatable {
    /// RTCP packet type SR.
    public static let packetType: UInt8 = 200
    /// Bytes of a sender report with no report blocks.
    public static let size = 28

    /// The sender's SSRC (the RTP stream's).
    public var ssrc: UInt32
    /// Wall-clock time of the report.
    public var ntpTimestamp: NTPTimestamp
    /// The RTP timestamp that corresponds to `ntpTimestamp` (for lip sync and RTT).
    public var rtpTimestamp: UInt32
    /// RTP packets sent since the stream started.
    public var packetCount: UInt32
    /// RTP payload octets (headers excluded) sent since the stream started.
    public var octetCount: UInt32

    /// A report from its fields.
    public init(ssrc: UInt32, ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32)
    {
        self.ssrc = ssrc
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
    }

    /// The 28 wire bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = [0x80, Self.packetType]
        out.appendBigEndian(UInt16(Self.size / 4 - 1))
        for word in [ssrc, ntpTimestamp.seconds, ntpTimestamp.fraction, rtpTimestamp, packetCount, octetCount] {
            out.appendBigEndian(word)
        }
        return out
    }

    /// The report followed by an SDES packet with the CNAME item: a valid compound packet.
    public func compound(cname: String) -> [UInt8] {
        // SDES: header, SSRC, item (type 1, length, text), then a zero item type ending the
        // list, padded with zeros to a 32-bit boundary (§6.5).
        let text = Array(cname.utf8.prefix(255))
        var chunk: [UInt8] = []
        chunk.appendBigEndian(ssrc)
        chunk += [1, UInt8(text.count)] + text + [0]
        while chunk.count % 4 != 0 { chunk.append(0) }
        var sdes: [UInt8] = [0x81, 202]
        sdes.appendBigEndian(UInt16(chunk.count / 4))  // (4 + chunk) / 4 - 1
        return bytes + sdes + chunk
    }

    /// Parses a sender report at the start of `bytes` (ignoring report blocks and any packets
    /// after it); nil when it is not one.
    public init?(bytes: [UInt8]) {
        guard bytes.count >= Self.size, bytes[0] >> 6 == 2, bytes[1] == Self.packetType else { return nil }
        func word(_ index: Int) -> UInt32 {
            let at = 4 + 4 * index
            return UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8
                | UInt32(bytes[at + 3])
        }
        self.init(
            ssrc: word(0), ntpTimestamp: NTPTimestamp(seconds: word(1), fraction: word(2)), rtpTimestamp: word(3),
            packetCount: word(4), octetCount: word(5))
    }
}

extension [UInt8] {
    mutating func appendBigEndian<T: FixedWidthInteger>(_ value: T) {
        for shift in stride(from: T.bitWidth - 8, through: 0, by: -8) {
            append(UInt8(truncatingIfNeeded: value >> shift))
        }
    }
}
