import Synchronization
import VPBXMediaIO
import VPBXNetwork
import VPBXPBX
import VPBXRTP
import VPBXSDP

/// Media sessions for the core, backed by the NIO RTP relay.
struct RelayMediaFactory: MediaSessionFactory {
    let relay: RTPRelay
    let bindHost: String
    let music: HoldMusicLibrary
    let prompts: PromptLibrary

    func makeSession(
        callerMedia: MediaAddress?, onTimeout: @escaping @Sendable () -> Void,
        completion: @escaping @Sendable (Result<any MediaSession, any Error>) -> Void
    ) {
        let music = self.music
        let prompts = self.prompts
        let relay = self.relay
        let bindHost = self.bindHost
        relay.makeSession(
            bindHost: bindHost, expectingA: callerMedia.map { ($0.host, $0.port) }, timeoutSuspended: true,
            onTimeout: onTimeout
        ) { result in
            completion(result.map { RelayMediaSession(session: $0, music: music, prompts: prompts, relay: relay, bindHost: bindHost) })
        }
    }

    func makeSessionAtOnce(callerMedia: MediaAddress?, onTimeout: @escaping @Sendable () -> Void)
        -> (any MediaSession)?
    {
        relay.makeSessionAtOnce(
            bindHost: bindHost, expectingA: callerMedia.map { ($0.host, $0.port) }, timeoutSuspended: true,
            onTimeout: onTimeout
        ).map { RelayMediaSession(session: $0, music: music, prompts: prompts, relay: relay, bindHost: bindHost) }
    }

    var sessionsAvailable: Int? { relay.sessionsAvailable }

    func gatheringWork(_ body: () -> Void) {
        relay.gatheringLoopWork(body)
    }
}

final class RelayMediaSession: MediaSession {
    let session: RelaySession
    let music: HoldMusicLibrary
    let prompts: PromptLibrary
    let relay: RTPRelay
    let bindHost: String
    /// Counts what was asked toward each side (plays, stops): a prompt loaded after a later
    /// stop or play must not start.
    private let requests = Mutex<[MediaSide: Int]>([:])

    init(session: RelaySession, music: HoldMusicLibrary, prompts: PromptLibrary, relay: RTPRelay, bindHost: String) {
        self.session = session
        self.music = music
        self.prompts = prompts
        self.relay = relay
        self.bindHost = bindHost
    }

    func attachMonitor(_ request: MonitorMediaRequest, onDigit: @escaping @Sendable (Character) -> Void) async throws
        -> any MonitorMedia
    {
        guard let callLaw = G711.Law(encodingName: request.callCodec.encoding),
            let supervisorLaw = G711.Law(encodingName: request.supervisorCodec.encoding),
            let callType = UInt8(exactly: request.callCodec.payloadType),
            let supervisorType = UInt8(exactly: request.supervisorCodec.payloadType)
        else { throw MonitorUnsupported() }
        let format = RelayMonitorFormat(
            callLaw: callLaw, callPayloadType: callType, supervisorLaw: supervisorLaw,
            supervisorPayloadType: supervisorType,
            supervisorEventPayloadType: request.supervisorEventPayloadType.flatMap { UInt8(exactly: $0) },
            agentSide: request.agentSide.relaySide)
        let handle = try await relay.attachMonitor(
            to: session, bindHost: bindHost, format: format, mode: request.mode.relayMode, onDigit: onDigit)
        return RelayMonitorMedia(handle: handle)
    }

    func startRecording(caller: MusicOnHold.Codec, callee: MusicOnHold.Codec, into sink: any RelayRecordingSink)
        async throws -> any MediaRecording
    {
        guard let callerLaw = G711.Law(encodingName: caller.encoding), let calleeLaw = G711.Law(encodingName: callee.encoding),
            let callerType = UInt8(exactly: caller.payloadType), let calleeType = UInt8(exactly: callee.payloadType)
        else { throw RecordingUnsupported() }
        // The relay's A side is the caller's phone, B the callee's.
        let format = RelayRecordingFormat(lawA: callerLaw, payloadTypeA: callerType, lawB: calleeLaw, payloadTypeB: calleeType)
        return RelayMediaRecording(handle: try await session.startRecording(format: format, into: sink))
    }

    func playMusic(toward side: MediaSide, codec: MusicOnHold.Codec) {
        nextRequest(toward: side)
        playLoop(music.payload(encoding: codec.encoding), as: codec, toward: side)
    }

    func playRingback(toward side: MediaSide, codec: MusicOnHold.Codec) {
        nextRequest(toward: side)
        playLoop(music.ringbackPayload(encoding: codec.encoding), as: codec, toward: side)
    }

    /// Loops `payload` (encoded for `codec`) to `side` instead of the other side's media.
    private func playLoop(_ payload: [UInt8]?, as codec: MusicOnHold.Codec, toward side: MediaSide) {
        guard (0..<128).contains(codec.payloadType), let payload,
            let loop = try? RelayAudioLoop(payloadType: UInt8(codec.payloadType), payload: payload)
        else { return }
        session.play(loop, toward: side.relaySide)
    }

    func stopMusic(toward side: MediaSide) {
        nextRequest(toward: side)
        session.stopPlaying(toward: side.relaySide)
    }

    func playPrompt(_ name: String, language: String, toward side: MediaSide, codec: MusicOnHold.Codec) {
        guard let law = G711.Law(encodingName: codec.encoding) else { return }
        let request = nextRequest(toward: side)
        let prompts = self.prompts
        let session = self.session
        Task {
            guard let samples = await prompts.samples(name, language: language) else { return }
            let pause = [Int16](repeating: 0, count: Self.pauseAfterPrompt)
            guard self.isLatest(request, toward: side) else { return }
            self.playLoop((samples + pause).map { law.encode($0) }, as: codec, toward: side)
            // A stop asked while the loop was handed over must still win: it went first.
            if !self.isLatest(request, toward: side) { session.stopPlaying(toward: side.relaySide) }
        }
    }

    /// Two seconds of silence between a prompt's repetitions: time to press the key.
    private static let pauseAfterPrompt = 16_000

    @discardableResult
    private func nextRequest(toward side: MediaSide) -> Int {
        requests.withLock { requests in
            requests[side, default: 0] += 1
            return requests[side]!
        }
    }

    private func isLatest(_ request: Int, toward side: MediaSide) -> Bool {
        requests.withLock { $0[side] == request }
    }

    func watchDigits(
        from side: MediaSide, eventPayloadType: Int?, voice: MusicOnHold.Codec, onDigit: @escaping @Sendable (Character) -> Void
    ) {
        let events = eventPayloadType.flatMap { UInt8(exactly: $0) }.flatMap { $0 < 128 ? $0 : nil }
        // Made on the relay's loop, where it lives; nil for a codec other than G.711.
        session.watchDigits(
            from: side.relaySide, eventPayloadType: events,
            audioKeys: { InBandKeyListener(encoding: voice.encoding, payloadType: voice.payloadType) }, onDigit: onDigit)
    }

    func stopWatchingDigits(from side: MediaSide) { session.stopWatchingDigits(from: side.relaySide) }

    func bridgeG711(_ bridge: G711Bridge?) {
        // A is the caller's side, B the callee's. Before the answer only B's added law is known.
        let fromA = bridge.flatMap { $0.awaitsAnswer ? nil : $0 }
        session.translateVoice(
            fromA: fromA.map { RelayVoiceTranslation(from: $0.caller, events: $0.callerEvents, to: $0.callee, events: $0.calleeEvents) },
            fromB: bridge.map { RelayVoiceTranslation(from: $0.callee, events: $0.calleeEvents, to: $0.caller, events: $0.callerEvents) })
    }

    func terminateSRTP(_ keys: RelaySRTPKeys?, on side: MediaSide) {
        session.terminateSRTP(keys, on: side.relaySide)
    }

    var aPort: Int { session.aPort }
    var bPort: Int { session.bPort }

    func setRemote(side: MediaSide, host: String, port: Int) async {
        try? await session.setExpectedRemote(side: side.relaySide, host: host, port: port)
    }

    func updateRemote(side: MediaSide, host: String, port: Int) {
        session.updateExpectedRemote(side: side.relaySide, host: host, port: port)
    }

    func closeWithoutWaiting() { session.closeWithoutWaiting() }

    func relatch(side: MediaSide, awayFromCurrent: Bool) async {
        try? await session.relatch(side: side.relaySide, awayFromCurrent: awayFromCurrent)
    }

    func updateTimeoutSuspended(_ suspended: Bool) { session.updateTimeoutSuspended(suspended) }

    func updateTimeoutWatches(caller: Bool, callee: Bool) { session.updateTimeoutWatchedSides(a: caller, b: callee) }

    func counters() async -> MediaCounters? {
        guard let stats = try? await session.statistics() else { return nil }
        return MediaCounters(
            packetsFromA: stats.a.rtp.packetsIn, packetsToA: stats.a.rtp.packetsOut,
            packetsFromB: stats.b.rtp.packetsIn, packetsToB: stats.b.rtp.packetsOut)
    }

    func close() async { await session.close() }
}

extension MediaSide {
    var relaySide: RelaySide { self == .a ? .a : .b }
}

/// A supervisor's leg on the relay, as the core sees it.
final class RelayMonitorMedia: MonitorMedia {
    let handle: RelayMonitorHandle

    init(handle: RelayMonitorHandle) { self.handle = handle }

    var port: Int { handle.port }
    func setRemote(host: String, port: Int) { handle.setExpectedRemote(host: host, port: port) }
    func setMode(_ mode: MonitorMode) { handle.setMode(mode.relayMode) }
    func terminateSRTP(_ keys: RelaySRTPKeys?) { handle.terminateSRTP(keys) }
    func close() async { await handle.close() }
}

extension MonitorMode {
    var relayMode: RelayMonitorMode {
        switch self {
        case .listen: .listen
        case .whisper: .whisper
        case .barge: .barge
        }
    }
}

extension RelayVoiceTranslation {
    /// Packets arriving in `voice` (with `events` for RFC 4733) leave as `target` (with
    /// `targetEvents`): the relay's side of a ``G711Bridge``.
    init(from voice: RTPMap, events: RTPMap?, to target: RTPMap, events targetEvents: RTPMap?) {
        let bothEvents = events.flatMap { events in targetEvents.map { (events, $0) } }
        self.init(
            voiceIn: UInt8(voice.payloadType), voiceOut: UInt8(target.payloadType),
            law: voice.hasEncoding("PCMA") ? .alaw : .ulaw,
            eventsIn: bothEvents.map { UInt8($0.0.payloadType) }, eventsOut: bothEvents.map { UInt8($0.1.payloadType) })
    }
}

/// A recording on the relay, as the core sees it.
struct RelayMediaRecording: MediaRecording {
    let handle: RelayRecordingHandle

    func setPaused(_ paused: Bool) { handle.setPaused(paused) }
}
