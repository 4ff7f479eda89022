import Crypto

/// Reading RTP and RTCP packets as far as SRTP needs them, and the pieces both directions
/// compute: the counter block and the authentication tag.
enum SRTPPacketLayout {
    /// Bytes of RTP header before the payload: the fixed 12, the CSRC list and the header
    /// extension (RFC 3550 §5.1, §5.3.1), all of which stay readable. Nil for what is not an
    /// RTP version 2 packet or is cut short.
    static func rtpHeaderLength(_ packet: UnsafeRawBufferPointer, trailing: Int = 0) -> Int? {
        let available = packet.count - trailing
        guard available >= 12, packet[0] >> 6 == 2 else { return nil }
        var length = 12 + 4 * Int(packet[0] & 0x0F)
        if packet[0] & 0x10 != 0 {
            guard available >= length + 4 else { return nil }
            let words = Int(packet[length + 2]) << 8 | Int(packet[length + 3])
            length += 4 + 4 * words
        }
        return length <= available ? length : nil
    }

    static func sequenceNumber(_ packet: UnsafeRawBufferPointer) -> UInt16 {
        UInt16(packet[2]) << 8 | UInt16(packet[3])
    }

    /// The SSRC at `offset` (8 in RTP, 4 in RTCP).
    static func ssrc(_ packet: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        (offset..<(offset + 4)).reduce(UInt32(0)) { $0 << 8 | UInt32(packet[$1]) }
    }

    /// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16).
    static func counterBlock(salt: [UInt8], ssrc: UInt32, index: UInt64) -> [UInt8] {
        var block = salt + [0, 0]
        for byte in 0..<4 { block[4 + byte] ^= UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * byte)) }
        for byte in 0..<6 { block[8 + byte] ^= UInt8(truncatingIfNeeded: index >> (40 - 8 * byte)) }
        return block
    }

    /// HMAC-SHA1 of `authenticated` followed by `suffix` (the rollover counter of SRTP;
    /// nothing for SRTCP, whose index is inside the authenticated part), cut to `length`.
    static func tag(_ mac: HMAC<Insecure.SHA1>, _ authenticated: some Collection<UInt8>, suffix: UInt32?, length: Int)
        -> [UInt8]
    {
        var mac = mac
        mac.update(data: Array(authenticated))
        if let suffix {
            mac.update(data: [
                UInt8(suffix >> 24), UInt8(truncatingIfNeeded: suffix >> 16), UInt8(truncatingIfNeeded: suffix >> 8),
                UInt8(truncatingIfNeeded: suffix),
            ])
        }
        return Array(mac.finalize().prefix(length))
    }

    /// Compares tags in time independent of where they differ.
    static func tagsMatch(_ expected: [UInt8], _ received: UnsafeRawBufferPointer.SubSequence) -> Bool {
        guard expected.count == received.count else { return false }
        var difference: UInt8 = 0
        for (a, b) in zip(expected, received) { difference |= a ^ b }
        return difference == 0
    }
}
