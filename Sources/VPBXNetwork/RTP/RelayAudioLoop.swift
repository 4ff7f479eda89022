/// Encoded audio that a relay session plays to one side in place of the other side's media:
/// music on hold, and later queue music. The relay only copies bytes; the caller encodes
/// (G.711 A-law or µ-law, one byte per sample) for the payload type the leg negotiated.
///
/// One loop is shared by every call that plays it, so it is immutable.
public struct RelayAudioLoop: Sendable {
    /// The RTP payload type of the leg's codec (8 PCMA, 0 PCMU).
    public let payloadType: UInt8
    /// Encoded bytes, played from `startOffset` to the end and then from the start again.
    public let payload: [UInt8]
    /// Bytes in one 20 ms packet; also the RTP timestamp step (one byte per sample for G.711).
    public let bytesPerPacket: Int

    /// - Throws: ``RTPRelayError/Code/invalidAudio`` for a payload type outside 0...127 or a loop
    ///   shorter than one packet.
    public init(payloadType: UInt8, payload: [UInt8], bytesPerPacket: Int = 160) throws {
        guard payloadType < 128, bytesPerPacket > 0, payload.count >= bytesPerPacket else {
            throw RTPRelayError(
                .invalidAudio,
                "audio to play needs a payload type below 128 and at least one packet of \(bytesPerPacket) bytes "
                    + "(got type \(payloadType), \(payload.count) bytes)")
        }
        self.payloadType = payloadType
        self.payload = payload
        self.bytesPerPacket = bytesPerPacket
    }
}
