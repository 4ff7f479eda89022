import NIOCore
import VPBXRTP

/// Records a relayed call: what each side's phone sends, side A on the left channel and side
/// B on the right, on the relay's own 20 ms clock.
///
/// Confined to the call's event loop like the monitor: the forwarding handlers give it a
/// copy of every packet (decoded into a ``SampleFIFO`` per side) and a ``RelayFramePacer``
/// takes one frame of each per 20 ms (five at a time), silence where a side sent nothing (a muted phone, a
/// side on hold, a lost packet). The recording's length is therefore the time it ran, and the
/// two channels stay aligned however the phones' packets jitter (as Asterisk's MixMonitor
/// works). Samples go to the sink about once a second; nothing here touches a file.
final class RelayRecorder {
    static let samplesPerFrame = 160
    /// The clock takes this many frames at a time: a recording needs no 20 ms latency, and
    /// 250 recorded calls woke the loop 12,500 times a second with one.
    static let framesPerStep = 5
    /// A side may run up to 300 ms ahead of the clock (a step, jitter, a burst after a stall)
    /// before its oldest samples are dropped.
    static let fifoCapacity = 15 * samplesPerFrame
    /// Frames gathered before they go to the sink: a second of audio.
    static let framesPerChunk = 50

    private weak var core: RelayCore?
    private let format: RelayRecordingFormat
    private let sink: any RelayRecordingSink
    // One FIFO a side, not a dictionary: every sample of every recorded phone passes here.
    private var fromA = SampleFIFO(capacity: fifoCapacity)
    private var fromB = SampleFIFO(capacity: fifoCapacity)
    private var chunk: [Int16] = []
    private var pacer: RelayFramePacer?
    private var ended = false
    /// While paused (a card number read out) what the phones send is not kept: the file gets
    /// silence for that time, so what follows stays where it happened.
    private(set) var paused = false

    init(core: RelayCore, format: RelayRecordingFormat, sink: any RelayRecordingSink) {
        self.core = core
        self.format = format
        self.sink = sink
        self.chunk.reserveCapacity(2 * Self.samplesPerFrame * Self.framesPerChunk)
    }

    /// Taps both sides and starts the clock.
    func begin(on loop: any EventLoop) {
        guard let core else { return }
        for side in RelaySide.allCases { core.rtp(side).recorder = self }
        let pacer = RelayFramePacer(
            eventLoop: loop, interval: .milliseconds(20 * Int64(Self.framesPerStep)),
            produce: { [weak self] steps in
                guard let self, !self.ended else { return false }
                for _ in 0..<(steps * Self.framesPerStep) { self.takeFrame() }
                return true
            },
            skip: { [weak self] steps in
                // The loop stalled: the time still passed, so it is recorded as silence.
                guard let self else { return }
                for _ in 0..<min(Int(steps) * Self.framesPerStep, 50 * 60) { self.appendSilentFrame() }
            })
        self.pacer = pacer
        pacer.begin()
    }

    /// Unhooks, hands the last samples over and tells the sink the recording is over. Safe
    /// to call twice.
    func end() {
        guard !ended else { return }
        ended = true
        pacer?.stop()
        pacer = nil
        if let core {
            for side in RelaySide.allCases where core.rtp(side).recorder === self { core.rtp(side).recorder = nil }
        }
        if !chunk.isEmpty { sink.append(interleaved: chunk) }
        chunk = []
        sink.finish()
    }

    func setPaused(_ paused: Bool) {
        guard paused != self.paused else { return }
        self.paused = paused
        // What waited for the clock when the pause began is not kept either.
        fromA.removeAll()
        fromB.removeAll()
    }

    /// A packet `side`'s phone sent (forwarded as usual besides). Anything but the side's
    /// voice payload type (RFC 4733 keys, comfort noise) is not audio to record.
    func heard(_ packet: ByteBuffer, from side: RelaySide) {
        guard !paused else { return }
        let payloadType = format.payloadType(of: side)
        let law = format.law(of: side)
        packet.withUnsafeReadableBytes { bytes in
            guard let header = RTPHeader(bytes: bytes), header.payloadType == payloadType else { return }
            let payload = UnsafeRawBufferPointer(rebasing: bytes[header.payloadOffset..<(header.payloadOffset + header.payloadLength)])
            if side == .a { fromA.append(decoding: payload, law: law) } else { fromB.append(decoding: payload, law: law) }
        }
    }

    /// One frame of each side, interleaved into the chunk; silence for a side short of one.
    private func takeFrame() {
        let base = chunk.count
        chunk.append(contentsOf: repeatElement(0, count: 2 * Self.samplesPerFrame))
        chunk.withUnsafeMutableBufferPointer { out in
            _ = fromA.pop(Self.samplesPerFrame, into: out, offset: base, stride: 2)
            _ = fromB.pop(Self.samplesPerFrame, into: out, offset: base + 1, stride: 2)
        }
        handOverIfFull()
    }

    private func appendSilentFrame() {
        chunk.append(contentsOf: repeatElement(0, count: 2 * Self.samplesPerFrame))
        handOverIfFull()
    }

    private func handOverIfFull() {
        guard chunk.count >= 2 * Self.samplesPerFrame * Self.framesPerChunk else { return }
        sink.append(interleaved: chunk)
        chunk.removeAll(keepingCapacity: true)
    }
}
