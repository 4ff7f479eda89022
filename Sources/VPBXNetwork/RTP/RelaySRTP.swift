import NIOCore
import VPBXSRTP

/// The keys of one side whose phone speaks SRTP while the relay works on plain RTP (RFC 3711
/// with SDES keys): the phone's own, for what it sends, and the engine's, for what it gets.
public struct RelaySRTPKeys: Sendable, Equatable {
    public var fromPhone: SRTPParameters
    public var toPhone: SRTPParameters

    public init(fromPhone: SRTPParameters, toPhone: SRTPParameters) {
        self.fromPhone = fromPhone
        self.toPhone = toPhone
    }
}

/// SRTP termination on one side of a session: packets from the phone are checked and
/// decrypted as they arrive, so everything after (forwarding, music, recording, listening,
/// keys) sees plain RTP; packets to the phone are encrypted as the last step before the send.
///
/// Shared by the side's RTP and RTCP endpoints. Confined to whoever forwards the side's
/// packets: the session's event loop, or the relay's poller thread while it has them. It
/// crosses between them only with the endpoints' state, through the poller's command queue
/// (whose lock orders every use on one thread before every use on the other), hence
/// `@unchecked Sendable`.
final class RelaySRTP: @unchecked Sendable {
    private var receiver: SRTPReceiver
    private var sender: SRTPSender
    private(set) var keys: RelaySRTPKeys
    /// Where decrypted packets from the phone, and encrypted ones to it, are written on the
    /// loop; kept here rather than on every endpoint, which plain calls make four of per
    /// call. A write NIO still holds makes the next use copy (a buffer's storage is shared,
    /// not reused). The poller works in its own read buffer instead.
    private var decrypted = ByteBuffer()
    /// The most a packet grows when protected: room a buffer keeps after what it reads.
    static let maximumExpansion = SRTPSender.maximumExpansion
    private var encrypted = ByteBuffer()

    init(_ keys: RelaySRTPKeys) {
        self.keys = keys
        self.receiver = SRTPReceiver(keys.fromPhone)
        self.sender = SRTPSender(keys.toPhone)
    }

    /// New keys after a renegotiation: a direction whose key is unchanged keeps its state
    /// (rollover counters, replay lists), as RFC 4568 §7.1.4 asks of a re-offer that keeps
    /// its key; a changed one starts afresh.
    func update(to keys: RelaySRTPKeys) {
        if keys.fromPhone != self.keys.fromPhone { self.receiver = SRTPReceiver(keys.fromPhone) }
        if keys.toPhone != self.keys.toPhone { self.sender = SRTPSender(keys.toPhone) }
        self.keys = keys
    }

    /// The plain packet in `packet`; nil when it fails its check (wrong key, changed on the
    /// way, replayed, not SRTP).
    func unprotect(_ packet: ByteBuffer, control: Bool) -> ByteBuffer? {
        self.decrypted.clear()
        self.decrypted.writeImmutableBuffer(packet)
        let result = self.decrypted.withUnsafeMutableReadableBytes { self.unprotect(inPlace: $0, control: control) }
        guard let length = result else { return nil }
        self.decrypted.moveWriterIndex(to: self.decrypted.readerIndex + length)
        return self.decrypted
    }

    /// `packet` as the phone expects it; nil when it cannot be sent protected (not RTP, or
    /// an index this stream already used).
    func protect(_ packet: ByteBuffer, control: Bool) -> ByteBuffer? {
        self.encrypted.clear()
        self.encrypted.writeImmutableBuffer(packet)
        self.encrypted.writeRepeatingByte(0, count: SRTPSender.maximumExpansion)
        let result = self.encrypted.withUnsafeMutableReadableBytes {
            self.protect(inPlace: $0, length: packet.readableBytes, control: control)
        }
        guard let length = result else { return nil }
        self.encrypted.moveWriterIndex(to: self.encrypted.readerIndex + length)
        return self.encrypted
    }

    /// Decrypts the packet filling `packet` where it lies; the plain packet's length, or nil
    /// as ``unprotect(_:control:)``.
    func unprotect(inPlace packet: UnsafeMutableRawBufferPointer, control: Bool) -> Int? {
        let result = control ? self.receiver.unprotectRTCP(inPlace: packet) : self.receiver.unprotectRTP(inPlace: packet)
        guard case .success(let length) = result else { return nil }
        return length
    }

    /// Encrypts the packet in the first `length` bytes of `buffer` where it lies (`buffer`
    /// has ``SRTPSender/maximumExpansion`` bytes of room after it); the protected packet's
    /// length, or nil as ``protect(_:control:)``.
    func protect(inPlace buffer: UnsafeMutableRawBufferPointer, length: Int, control: Bool) -> Int? {
        control ? self.sender.protectRTCP(inPlace: buffer, length: length) : self.sender.protectRTP(inPlace: buffer, length: length)
    }
}
