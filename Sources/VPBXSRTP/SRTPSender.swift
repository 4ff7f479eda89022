/// Protects what the engine sends on one call leg (RFC 3711 §3.3, §3.4): RTP payloads
/// encrypted and tagged, RTCP packets after their first 8 bytes encrypted, indexed and
/// tagged. Each SSRC sent has its own rollover counter and SRTCP index.
///
/// Not thread-safe: one per leg direction, used on the relay's event loop.
public final class SRTPSender {
    private let suite: SRTPSuite
    private let rtpKeys: SRTPSessionKeys
    private let rtcpKeys: SRTPSessionKeys
    private var rtpStreams = SRTPStreamTable<SRTPReplayWindow>()
    private var rtcpIndexes = SRTPStreamTable<UInt32>()

    public init(_ parameters: SRTPParameters) {
        self.suite = parameters.suite
        self.rtpKeys = SRTPSessionKeys(master: parameters.master, labels: .rtp)
        self.rtcpKeys = SRTPSessionKeys(master: parameters.master, labels: .rtcp)
    }

    /// The SRTP packet for `packet`; nil when it is no RTP packet, or repeats an index this
    /// stream already sent (encrypting two payloads under one keystream would leak both).
    public func protectRTP(_ packet: UnsafeRawBufferPointer) -> [UInt8]? {
        guard let headerLength = SRTPPacketLayout.rtpHeaderLength(packet) else { return nil }
        let ssrc = SRTPPacketLayout.ssrc(packet, at: 8)
        var window = rtpStreams[ssrc] ?? SRTPReplayWindow()
        guard let index = window.estimate(SRTPPacketLayout.sequenceNumber(packet)), !window.isReplay(index) else {
            return nil
        }
        window.accept(index)
        rtpStreams[ssrc] = window

        let block = SRTPPacketLayout.counterBlock(salt: rtpKeys.salt, ssrc: ssrc, index: index)
        var output = Array(packet[..<headerLength])
        output += AESCounterMode.xor(into: Array(packet[headerLength...]), key: rtpKeys.cipherKey, counterBlock: block)
        output += SRTPPacketLayout.tag(
            rtpKeys.mac, output, suffix: UInt32(truncatingIfNeeded: index >> 16), length: suite.rtpTagLength)
        return output
    }

    /// The SRTCP packet for `packet` (a compound RTCP packet); nil when it is shorter than
    /// an RTCP header with its SSRC.
    public func protectRTCP(_ packet: UnsafeRawBufferPointer) -> [UInt8]? {
        guard packet.count >= 8, packet[0] >> 6 == 2 else { return nil }
        let ssrc = SRTPPacketLayout.ssrc(packet, at: 4)
        // The first report is index 1, as libsrtp numbers them. The 31-bit index wraps only
        // after 2^31 reports: decades of a call.
        let index = ((rtcpIndexes[ssrc] ?? 0) &+ 1) & 0x7FFF_FFFF
        rtcpIndexes[ssrc] = index

        let block = SRTPPacketLayout.counterBlock(salt: rtcpKeys.salt, ssrc: ssrc, index: UInt64(index))
        var output = Array(packet[..<8])
        output += AESCounterMode.xor(into: Array(packet[8...]), key: rtcpKeys.cipherKey, counterBlock: block)
        let word = index | 0x8000_0000  // E: the packet is encrypted
        output += [
            UInt8(word >> 24), UInt8(truncatingIfNeeded: word >> 16), UInt8(truncatingIfNeeded: word >> 8),
            UInt8(truncatingIfNeeded: word),
        ]
        output += SRTPPacketLayout.tag(rtcpKeys.mac, output, suffix: nil, length: suite.rtcpTagLength)
        return output
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
