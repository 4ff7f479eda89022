import Foundation
import Logging
import NIOCore
import VPBXMedia
import VPBXNetwork
import VPBXRTP

/// The state of one media endpoint, confined to its event loop: the 20 ms media clock, the
/// sending stream, the jitter buffer, the key receivers, and the playback and recording in
/// progress. The socket handlers and the scheduled ticks call it directly (same loop, no
/// locks); `MediaEndpoint` reaches it through the loop.
final class EndpointCore {
    let loop: any EventLoop
    let pair: RelaySocketPair
    let parameters: MediaChannelParameters
    let configuration: MediaEndpoint.Configuration
    let logger: Logger
    let digitSink: AsyncStream<DTMFDigit>.Continuation

    // Sending.
    var sender: RTPSender
    var events = TelephoneEventSender()
    var pendingDigits: [DTMFDigit] = []
    /// Media time before which no new key starts (a pause between keys).
    var nextKeyAt = 0
    var player: Player?
    var playWaiter: CheckedContinuation<PlaybackOutcome, Never>?
    /// The conference room the phone is in: what it says goes there, and it hears the room
    /// when nothing is played to it.
    var conference: ConferencePort?

    // Receiving.
    var jitter: JitterBuffer
    var receiver = TelephoneEventReceiver()
    var detector: DTMFDetector?
    var recorder: Recorder?
    var recordWaiter: CheckedContinuation<Recording, Never>?

    // Addressing: the SDP address until the first good packet, then its source (symmetric RTP).
    var remote: SocketAddress?
    /// The SDP address, kept to fall back on when re-latching.
    var expectedRemote: SocketAddress?
    var isLatched = false
    /// Where RTCP goes: the source of the peer's RTCP if it sent any, else the RTP address + 1.
    var rtcpRemote: SocketAddress?

    // The media clock: tick n is due at start + n × 20 ms, whatever earlier ticks cost.
    let start: NIODeadline
    var ticks = 0
    var scheduled: Scheduled<Void>?
    var isClosed = false
    var statistics = MediaEndpointStatistics()

    init(
        loop: any EventLoop, pair: RelaySocketPair, parameters: MediaChannelParameters,
        configuration: MediaEndpoint.Configuration, logger: Logger,
        digitSink: AsyncStream<DTMFDigit>.Continuation
    ) {
        self.loop = loop
        self.pair = pair
        self.parameters = parameters
        self.configuration = configuration
        self.logger = logger
        self.digitSink = digitSink
        var generator = SystemRandomNumberGenerator()
        sender = RTPSender(
            law: parameters.law, eventPayloadType: parameters.telephoneEventPayloadType ?? 101, using: &generator)
        jitter = JitterBuffer(configuration: configuration.jitterBuffer)
        detector = parameters.detectsInBandDTMF ? DTMFDetector() : nil
        start = .now()
    }

    /// Samples of media time since the endpoint started, by the wall clock (packet arrivals).
    var mediaTimeNow: Int {
        Int((NIODeadline.now() - start).nanoseconds / 125_000)
    }

    // MARK: - Clock

    func startClock() {
        scheduleNextTick()
    }

    private func scheduleNextTick() {
        guard !isClosed else { return }
        let deadline = start + .nanoseconds(Int64(ticks) * 20_000_000)
        scheduled = loop.assumeIsolated().scheduleTask(deadline: deadline) { self.tick() }
    }

    /// Runs every frame that is due. Deadlines are absolute, so a late wake-up is made up at
    /// once and the stream never drifts; after a long stall (over `maximumCatchUpFrames`) the
    /// missed frames are skipped rather than sent in a burst, but the RTP clock still counts
    /// them, so the peer sees a gap of the right length.
    private func tick() {
        guard !isClosed else { return }
        let due = Int((NIODeadline.now() - start).nanoseconds / 20_000_000) + 1
        let behind = due - ticks
        if behind > configuration.maximumCatchUpFrames {
            let skipped = behind - configuration.maximumCatchUpFrames
            for _ in 0..<skipped {
                sender.skipSilence()
                _ = jitter.nextFrame()
                ticks += 1
            }
            statistics.framesSkipped += skipped
        }
        while ticks < due, !isClosed {
            frame()
            ticks += 1
        }
        scheduleNextTick()
    }

    /// One 20 ms frame: send, play out what was received, and maybe an RTCP report.
    private func frame() {
        sendFrame(mediaTime: ticks * AudioFormat.frameSamples)
        receiveFrame()
        let interval = max(1, Int(configuration.rtcpInterval.nanoseconds / 20_000_000))
        if ticks > 0, ticks % interval == 0 { sendSenderReport() }
    }

    private func sendFrame(mediaTime: Int) {
        if events.isIdle, !pendingDigits.isEmpty, mediaTime >= nextKeyAt {
            let digit = pendingDigits.removeFirst()
            for packet in events.start(digit, timestamp: sender.timestamp, now: mediaTime) { sendEvent(packet) }
            nextKeyAt = mediaTime + 800 + TelephoneEventSender.endRetransmitInterval * 3 + 400
        }
        if !events.isIdle {
            // During a key the event packets replace the audio; the player waits.
            for packet in events.advance(to: mediaTime) { sendEvent(packet) }
            sender.skipSilence()
            return
        }
        // Taken every frame, also under a playback, so that the room's queues keep pace.
        var samples = conference?.nextFrame()
        if var current = player {
            switch current.nextFrame() {
            case .play(let frame): samples = frame
            case .finished, .interrupted: endPlayback(.finished)
            }
            if player != nil { player = current }
        }
        send(rtp: sender.audioPacket(samples ?? Self.silentFrame))
    }

    private func receiveFrame() {
        let playout = jitter.nextFrame()
        conference?.deliver(playout.samples)
        if var detector {
            let keys = detector.process(playout.samples)
            self.detector = detector
            for key in keys { deliver(key) }
        }
        if var current = recorder {
            let action = current.append(playout.samples)
            recorder = current
            if case .stopped(let recording) = action { endRecording(recording) }
        }
    }

    static let silentFrame = [Int16](repeating: 0, count: AudioFormat.frameSamples)
}
