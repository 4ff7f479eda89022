import Crypto

/// Reading RTP and RTCP packets as far as SRTP needs them, and the pieces both directions
/// compute: the counter block and the authentication tag. Everything works on the packet
/// where it lies: a relay protects and unprotects tens of thousands of packets a second.
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

    /// The big-endian word at `offset`: the SSRC (8 in RTP, 4 in RTCP) or SRTCP's E and index.
    static func ssrc(_ packet: UnsafeRawBufferPointer, at offset: Int) -> UInt32 {
        UInt32(packet[offset]) << 24 | UInt32(packet[offset + 1]) << 16 | UInt32(packet[offset + 2]) << 8
            | UInt32(packet[offset + 3])
    }

    static func store(_ word: UInt32, into packet: UnsafeMutableRawBufferPointer, at offset: Int) {
        packet[offset] = UInt8(word >> 24)
        packet[offset + 1] = UInt8(truncatingIfNeeded: word >> 16)
        packet[offset + 2] = UInt8(truncatingIfNeeded: word >> 8)
        packet[offset + 3] = UInt8(truncatingIfNeeded: word)
    }

    /// RFC 3711 §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), the 16 bytes in
    /// order; a value, so building it a packet allocates nothing.
    struct CounterBlock {
        fileprivate var storage: (UInt64, UInt64) = (0, 0)
        var bytes: [UInt8] { withUnsafeBytes(of: storage) { Array($0) } }
        /// As AES-CTR's 128-bit nonce (the counter is the whole block).
        var nonce: AES._CTR.Nonce {
            // Sixteen bytes: the full-block form the initialiser accepts, so it cannot throw.
            withUnsafeBytes(of: storage) { try! AES._CTR.Nonce(nonceBytes: $0) }
        }
    }

    static func counterBlock(salt: [UInt8], ssrc: UInt32, index: UInt64) -> CounterBlock {
        var block = CounterBlock()
        withUnsafeMutableBytes(of: &block.storage) { bytes in
            for byte in 0..<14 { bytes[byte] = salt[byte] }
            for byte in 0..<4 { bytes[4 + byte] ^= UInt8(truncatingIfNeeded: ssrc >> (24 - 8 * byte)) }
            for byte in 0..<6 { bytes[8 + byte] ^= UInt8(truncatingIfNeeded: index >> (40 - 8 * byte)) }
        }
        return block
    }

    /// HMAC-SHA1 of `authenticated` followed by `suffix` (the rollover counter of SRTP;
    /// nothing for SRTCP, whose index is inside the authenticated part), cut to
    /// `destination`'s length and written there.
    static func writeTag(
        _ mac: HMAC<Insecure.SHA1>, _ authenticated: UnsafeRawBufferPointer, suffix: UInt32?,
        into destination: UnsafeMutableRawBufferPointer
    ) {
        let code = self.code(mac, authenticated, suffix: suffix)
        code.withUnsafeBytes { bytes in
            for index in 0..<destination.count { destination[index] = bytes[index] }
        }
    }

    /// Whether `received` is the tag of `authenticated` and `suffix`, compared in time
    /// independent of where they differ.
    static func tagMatches(
        _ mac: HMAC<Insecure.SHA1>, _ authenticated: UnsafeRawBufferPointer, suffix: UInt32?,
        received: UnsafeRawBufferPointer
    ) -> Bool {
        let code = self.code(mac, authenticated, suffix: suffix)
        return code.withUnsafeBytes { bytes in
            guard received.count <= bytes.count else { return false }
            var difference: UInt8 = 0
            for index in 0..<received.count { difference |= bytes[index] ^ received[index] }
            return difference == 0
        }
    }

    private static func code(_ mac: HMAC<Insecure.SHA1>, _ authenticated: UnsafeRawBufferPointer, suffix: UInt32?)
        -> HashedAuthenticationCode<Insecure.SHA1>
    {
        var mac = mac
        mac.update(data: authenticated)
        if let suffix {
            var word = suffix.bigEndian
            withUnsafeBytes(of: &word) { mac.update(data: $0) }
        }
        return mac.finalize()
    }
}
