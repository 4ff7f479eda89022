/// Checks and decrypts what a phone sends on one call leg (RFC 3711 §3.3, §3.4): the tag
/// first, then the replay list, then the payload. Each SSRC received has its own rollover
/// counter and replay list.
///
/// Not thread-safe: one per leg direction, used on the relay's event loop.
public final class SRTPReceiver {
    private let suite: SRTPSuite
    private let rtpKeys: SRTPSessionKeys
    private let rtcpKeys: SRTPSessionKeys
    private var rtpStreams = SRTPStreamTable<SRTPReplayWindow>()
    private var rtcpStreams = SRTPStreamTable<SRTPReplayWindow>()

    public init(_ parameters: SRTPParameters) {
        self.suite = parameters.suite
        self.rtpKeys = SRTPSessionKeys(master: parameters.master, labels: .rtp)
        self.rtcpKeys = SRTPSessionKeys(master: parameters.master, labels: .rtcp)
    }

    /// The plain RTP packet inside `packet`.
    public func unprotectRTP(_ packet: UnsafeRawBufferPointer) -> Result<[UInt8], SRTPRejection> {
        let tagLength = suite.rtpTagLength
        guard let headerLength = SRTPPacketLayout.rtpHeaderLength(packet, trailing: tagLength) else {
            return .failure(.malformed)
        }
        let ssrc = SRTPPacketLayout.ssrc(packet, at: 8)
        var window = rtpStreams[ssrc] ?? SRTPReplayWindow()
        guard let index = window.estimate(SRTPPacketLayout.sequenceNumber(packet)) else { return .failure(.replayed) }
        let end = packet.count - tagLength
        let expected = SRTPPacketLayout.tag(
            rtpKeys.mac, packet[..<end], suffix: UInt32(truncatingIfNeeded: index >> 16), length: tagLength)
        guard SRTPPacketLayout.tagsMatch(expected, packet[end...]) else { return .failure(.authenticationFailed) }
        guard !window.isReplay(index) else { return .failure(.replayed) }
        window.accept(index)
        rtpStreams[ssrc] = window

        let block = SRTPPacketLayout.counterBlock(salt: rtpKeys.salt, ssrc: ssrc, index: index)
        return .success(
            Array(packet[..<headerLength])
                + AESCounterMode.xor(
                    into: Array(packet[headerLength..<end]), key: rtpKeys.cipherKey, counterBlock: block))
    }

    /// The plain RTCP packet inside `packet`.
    public func unprotectRTCP(_ packet: UnsafeRawBufferPointer) -> Result<[UInt8], SRTPRejection> {
        let tagLength = suite.rtcpTagLength
        guard packet.count >= 8 + 4 + tagLength, packet[0] >> 6 == 2 else { return .failure(.malformed) }
        let end = packet.count - tagLength
        let expected = SRTPPacketLayout.tag(rtcpKeys.mac, packet[..<end], suffix: nil, length: tagLength)
        guard SRTPPacketLayout.tagsMatch(expected, packet[end...]) else { return .failure(.authenticationFailed) }
        let word = SRTPPacketLayout.ssrc(packet, at: end - 4)
        let index = UInt64(word & 0x7FFF_FFFF)
        let ssrc = SRTPPacketLayout.ssrc(packet, at: 4)
        var window = rtcpStreams[ssrc] ?? SRTPReplayWindow()
        guard !window.isReplay(index) else { return .failure(.replayed) }
        window.accept(index)
        rtcpStreams[ssrc] = window

        let encrypted = Array(packet[8..<(end - 4)])
        guard word & 0x8000_0000 != 0 else { return .success(Array(packet[..<8]) + encrypted) }
        let block = SRTPPacketLayout.counterBlock(salt: rtcpKeys.salt, ssrc: ssrc, index: index)
        return .success(
            Array(packet[..<8]) + AESCounterMode.xor(into: encrypted, key: rtcpKeys.cipherKey, counterBlock: block))
    }
}
