/// Checks and decrypts what a phone sends on one call leg (RFC 3711 §3.3, §3.4): the tag
/// first, then the replay list, then the payload. Each SSRC received has its own rollover
/// counter and replay list.
///
/// Not thread-safe: one per leg direction, used by whichever thread forwards the leg.
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

    /// Checks the SRTP packet in `packet` and decrypts it where it lies; the plain RTP
    /// packet is the first `length` bytes (the tag dropped). On a rejection the bytes are
    /// unchanged.
    public func unprotectRTP(inPlace packet: UnsafeMutableRawBufferPointer) -> Result<Int, SRTPRejection> {
        let readable = UnsafeRawBufferPointer(packet)
        let tagLength = suite.rtpTagLength
        guard let headerLength = SRTPPacketLayout.rtpHeaderLength(readable, trailing: tagLength) else {
            return .failure(.malformed)
        }
        let ssrc = SRTPPacketLayout.ssrc(readable, at: 8)
        var window = rtpStreams[ssrc] ?? SRTPReplayWindow()
        guard let index = window.estimate(SRTPPacketLayout.sequenceNumber(readable)) else { return .failure(.replayed) }
        let end = packet.count - tagLength
        guard
            SRTPPacketLayout.tagMatches(
                rtpKeys.mac, UnsafeRawBufferPointer(rebasing: readable[..<end]),
                suffix: UInt32(truncatingIfNeeded: index >> 16), received: UnsafeRawBufferPointer(rebasing: readable[end...]))
        else { return .failure(.authenticationFailed) }
        guard !window.isReplay(index) else { return .failure(.replayed) }
        window.accept(index)
        rtpStreams[ssrc] = window

        let nonce = SRTPPacketLayout.counterBlock(salt: rtpKeys.salt, ssrc: ssrc, index: index).nonce
        AESCounterMode.apply(
            to: UnsafeMutableRawBufferPointer(rebasing: packet[headerLength..<end]), key: rtpKeys.cipherKey, nonce: nonce)
        return .success(end)
    }

    /// Checks the SRTCP packet in `packet` and decrypts it where it lies; the plain RTCP
    /// packet is the first `length` bytes (the index and tag dropped). On a rejection the
    /// bytes are unchanged.
    public func unprotectRTCP(inPlace packet: UnsafeMutableRawBufferPointer) -> Result<Int, SRTPRejection> {
        let readable = UnsafeRawBufferPointer(packet)
        let tagLength = suite.rtcpTagLength
        guard packet.count >= 8 + 4 + tagLength, readable[0] >> 6 == 2 else { return .failure(.malformed) }
        let end = packet.count - tagLength
        guard
            SRTPPacketLayout.tagMatches(
                rtcpKeys.mac, UnsafeRawBufferPointer(rebasing: readable[..<end]), suffix: nil,
                received: UnsafeRawBufferPointer(rebasing: readable[end...]))
        else { return .failure(.authenticationFailed) }
        let word = SRTPPacketLayout.ssrc(readable, at: end - 4)
        let index = UInt64(word & 0x7FFF_FFFF)
        let ssrc = SRTPPacketLayout.ssrc(readable, at: 4)
        var window = rtcpStreams[ssrc] ?? SRTPReplayWindow()
        guard !window.isReplay(index) else { return .failure(.replayed) }
        window.accept(index)
        rtcpStreams[ssrc] = window

        // E clear: the sender left the reports readable.
        if word & 0x8000_0000 != 0 {
            let nonce = SRTPPacketLayout.counterBlock(salt: rtcpKeys.salt, ssrc: ssrc, index: index).nonce
            AESCounterMode.apply(
                to: UnsafeMutableRawBufferPointer(rebasing: packet[8..<(end - 4)]), key: rtcpKeys.cipherKey, nonce: nonce)
        }
        return .success(end - 4)
    }

    /// The plain RTP packet inside `packet`, as a new array.
    public func unprotectRTP(_ packet: UnsafeRawBufferPointer) -> Result<[UInt8], SRTPRejection> {
        Self.copying(packet) { unprotectRTP(inPlace: $0) }
    }

    /// The plain RTCP packet inside `packet`, as a new array.
    public func unprotectRTCP(_ packet: UnsafeRawBufferPointer) -> Result<[UInt8], SRTPRejection> {
        Self.copying(packet) { unprotectRTCP(inPlace: $0) }
    }

    private static func copying(
        _ packet: UnsafeRawBufferPointer, _ body: (UnsafeMutableRawBufferPointer) -> Result<Int, SRTPRejection>
    ) -> Result<[UInt8], SRTPRejection> {
        var bytes = Array(packet)
        return bytes.withUnsafeMutableBytes(body).map { Array(bytes[..<$0]) }
    }
}
