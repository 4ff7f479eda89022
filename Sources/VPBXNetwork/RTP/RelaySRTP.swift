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
/// Shared by the side's RTP and RTCP endpoints; confined to the session's event loop.
final class RelaySRTP {
    private var receiver: SRTPReceiver
    private var sender: SRTPSender
    private(set) var keys: RelaySRTPKeys
    /// Where decrypted packets from the phone, and encrypted ones to it, are written; kept
    /// here rather than on every endpoint, which plain calls make four of per call. A write
    /// NIO still holds makes the next use copy (a buffer's storage is shared, not reused).
    private var decrypted = ByteBuffer()
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
        let result = packet.withUnsafeReadableBytes { control ? receiver.unprotectRTCP($0) : receiver.unprotectRTP($0) }
        guard case .success(let plain) = result else { return nil }
        return Self.write(plain, into: &decrypted)
    }

    /// `packet` as the phone expects it; nil when it cannot be sent protected (not RTP, or
    /// an index this stream already used).
    func protect(_ packet: ByteBuffer, control: Bool) -> ByteBuffer? {
        let result = packet.withUnsafeReadableBytes { control ? sender.protectRTCP($0) : sender.protectRTP($0) }
        return result.map { Self.write($0, into: &encrypted) }
    }

    private static func write(_ bytes: [UInt8], into scratch: inout ByteBuffer) -> ByteBuffer {
        scratch.clear()
        scratch.writeBytes(bytes)
        return scratch
    }
}
