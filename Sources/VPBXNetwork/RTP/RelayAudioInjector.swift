import NIOCore
import VPBXRTP

/// Plays a ``RelayAudioLoop`` out of one side's RTP socket, as its own RTP stream (own SSRC,
/// sequence numbers and timestamps), while the forwarding from the other side is held back.
///
/// Confined to the session's event loop and paced by a ``RelayFramePacer``.
final class RelayAudioInjector {
    private let audio: RelayAudioLoop
    private let endpoint: RelayEndpoint
    private var stream: RelayStreamWriter
    private var offset = 0
    private var pacer: RelayFramePacer?

    init(audio: RelayAudioLoop, endpoint: RelayEndpoint, ssrc: UInt32, firstSequence: UInt16, firstTimestamp: UInt32) {
        self.audio = audio
        self.endpoint = endpoint
        self.stream = RelayStreamWriter(
            payloadType: audio.payloadType, samplesPerFrame: audio.bytesPerPacket, ssrc: ssrc,
            firstSequence: firstSequence, firstTimestamp: firstTimestamp)
    }

    /// Sends the first packet now and keeps the grid going until ``stop()``.
    func begin() {
        let pacer = RelayFramePacer(
            eventLoop: self.endpoint.channel.eventLoop,
            produce: { [weak self] frames in
                guard let self else { return false }
                for _ in 0..<frames { self.sendOne() }
                self.endpoint.channel.flush()
                return true
            },
            skip: { [weak self] frames in self?.stream.skipTime(frames: frames) })
        self.pacer = pacer
        pacer.begin()
    }

    func stop() {
        self.pacer?.stop()
        self.pacer = nil
    }

    private func sendOne() {
        let size = self.audio.bytesPerPacket
        let payload = self.audio.payload
        var offset = self.offset
        self.stream.send(through: self.endpoint, payloadSize: size) { buffer in
            let end = offset + size
            if end <= payload.count {
                buffer.writeBytes(payload[offset..<end])
            } else {
                buffer.writeBytes(payload[offset...])
                buffer.writeBytes(payload[0..<(end - payload.count)])
            }
            // Only audio actually sent moves on: a listener hears the loop from its start.
            offset = end >= payload.count ? end - payload.count : end
        }
        self.offset = offset
    }
}
