/// Protects what the engine sends on one call leg (RFC 3711 §3.3, §3.4): RTP payloads
/// encrypted and tagged, RTCP packets after their first 8 bytes encrypted, indexed and
/// tagged. Each SSRC sent has its own rollover counter and SRTCP index.
///
/// Not thread-safe: one per leg direction, used by whichever thread forwards the leg.
public final class SRTPSender {
    private let suite: SRTPSuite
    private let rtpKeys: SRTPSessionKeys
    private let rtcpKeys: SRTPSessionKeys
    private var rtpStreams = SRTPStreamTable<SRTPReplayWindow>()
    private var rtcpIndexes = SRTPStreamTable<UInt32>()

    /// The most a packet grows when protected: SRTCP's index word and an 80-bit tag.
    public static let maximumExpansion = 4 + 10

    public init(_ parameters: SRTPParameters) {
        self.suite = parameters.suite
        self.rtpKeys = SRTPSessionKeys(master: parameters.master, labels: .rtp)
        self.rtcpKeys = SRTPSessionKeys(master: parameters.master, labels: .rtcp)
    }

    /// Protects the RTP packet in the first `length` bytes of `buffer` where it lies, the tag
    /// written after it; returns the SRTP packet's length. Nil (the bytes unchanged) when it
    /// is no RTP packet, `buffer` has no room for the tag (``maximumExpansion`` is always
    /// enough), or it repeats an index this stream already sent (encrypting two payloads
    /// under one keystream would leak both).
    public func protectRTP(inPlace buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        let tagLength = suite.rtpTagLength
        guard length <= buffer.count - tagLength else { return nil }
        let packet = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<length])
        guard let headerLength = SRTPPacketLayout.rtpHeaderLength(packet) else { return nil }
        let ssrc = SRTPPacketLayout.ssrc(packet, at: 8)
        var window = rtpStreams[ssrc] ?? SRTPReplayWindow()
        guard let index = window.estimate(SRTPPacketLayout.sequenceNumber(packet)), !window.isReplay(index) else {
            return nil
        }
        window.accept(index)
        rtpStreams[ssrc] = window

        let nonce = SRTPPacketLayout.counterBlock(salt: rtpKeys.salt, ssrc: ssrc, index: index).nonce
        AESCounterMode.apply(
            to: UnsafeMutableRawBufferPointer(rebasing: buffer[headerLength..<length]), key: rtpKeys.cipherKey, nonce: nonce)
        SRTPPacketLayout.writeTag(
            rtpKeys.mac, packet, suffix: UInt32(truncatingIfNeeded: index >> 16),
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[length..<(length + tagLength)]))
        return length + tagLength
    }

    /// Protects the RTCP packet (a compound one) in the first `length` bytes of `buffer`
    /// where it lies, its index and tag written after it; returns the SRTCP packet's length.
    /// Nil (the bytes unchanged) when it is shorter than an RTCP header with its SSRC or
    /// `buffer` has no room for index and tag.
    public func protectRTCP(inPlace buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        let tagLength = suite.rtcpTagLength
        guard length >= 8, length <= buffer.count - 4 - tagLength, buffer[0] >> 6 == 2 else { return nil }
        let ssrc = SRTPPacketLayout.ssrc(UnsafeRawBufferPointer(buffer), at: 4)
        // The first report is index 1, as libsrtp numbers them. The 31-bit index wraps only
        // after 2^31 reports: decades of a call.
        let index = ((rtcpIndexes[ssrc] ?? 0) &+ 1) & 0x7FFF_FFFF
        rtcpIndexes[ssrc] = index

        let nonce = SRTPPacketLayout.counterBlock(salt: rtcpKeys.salt, ssrc: ssrc, index: UInt64(index)).nonce
        AESCounterMode.apply(
            to: UnsafeMutableRawBufferPointer(rebasing: buffer[8..<length]), key: rtcpKeys.cipherKey, nonce: nonce)
        SRTPPacketLayout.store(index | 0x8000_0000, into: buffer, at: length)  // E: the packet is encrypted
        let authenticated = UnsafeRawBufferPointer(rebasing: UnsafeRawBufferPointer(buffer)[..<(length + 4)])
        SRTPPacketLayout.writeTag(
            rtcpKeys.mac, authenticated, suffix: nil,
            into: UnsafeMutableRawBufferPointer(rebasing: buffer[(length + 4)..<(length + 4 + tagLength)]))
        return length + 4 + tagLength
    }

    /// The SRTP packet for `packet`, as a new array; nil as ``protectRTP(inPlace:length:)``.
    public func protectRTP(_ packet: UnsafeRawBufferPointer) -> [UInt8]? {
        Self.copying(packet) { protectRTP(inPlace: $0, length: $1) }
    }

    /// The SRTCP packet for `packet`, as a new array; nil as ``protectRTCP(inPlace:length:)``.
    public func protectRTCP(_ packet: UnsafeRawBufferPointer) -> [UInt8]? {
        Self.copying(packet) { protectRTCP(inPlace: $0, length: $1) }
    }

    private static func copying(_ packet: UnsafeRawBufferPointer, _ body: (UnsafeMutableRawBufferPointer, Int) -> Int?)
        -> [UInt8]?
    {
        var bytes = Array(packet) + [UInt8](repeating: 0, count: maximumExpansion)
        guard let length = bytes.withUnsafeMutableBytes({ body($0, packet.count) }) else { return nil }
        bytes.removeLast(bytes.count - length)
        return bytes
    }
}

/// State per SSRC, bounded: a leg sees a handful of SSRCs (the phone's, a new one after a
/// transfer, the engine's prompts and music), and a peer inventing new ones must not grow
/// memory. The oldest entry goes first.
struct SRTPStreamTable<Value> {
    private var entries: [(ssrc: UInt32, value: Value)] = []
    static var capacity: Int { 16 }

    subscript(ssrc: UInt32) -> Value? {
        get { entries.first { $0.ssrc == ssrc }?.value }
        set {
            if let position = entries.firstIndex(where: { $0.ssrc == ssrc }) {
                if let newValue { entries[position].value = newValue } else { entries.remove(at: position) }
            } else if let newValue {
                if entries.count >= Self.capacity { entries.removeFirst() }
                entries.append((ssrc, newValue))
            }
        }
    }
}
