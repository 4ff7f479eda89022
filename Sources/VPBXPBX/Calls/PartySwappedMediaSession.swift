import VPBXNetwork
import VPBXSDP

/// A call's media session seen with its sides turned: after a caller's transfer the call's
/// caller is the phone on the relay's B side (``Call/swapParties(callerExtension:)``), and the
/// core, which speaks of the caller as side A throughout, talks to the relay through this.
/// The relay itself changes nothing: each phone keeps sending to the port it has.
final class PartySwappedMediaSession: MediaSession {
    let base: any MediaSession

    private init(base: any MediaSession) {
        self.base = base
    }

    /// `session` turned, or unturned when it was turned already (a second caller's transfer
    /// in the same call).
    static func turning(_ session: any MediaSession) -> any MediaSession {
        (session as? PartySwappedMediaSession)?.base ?? PartySwappedMediaSession(base: session)
    }

    private static func turned(_ side: MediaSide) -> MediaSide { side == .a ? .b : .a }

    var aPort: Int { base.bPort }
    var bPort: Int { base.aPort }

    func setRemote(side: MediaSide, host: String, port: Int) async {
        await base.setRemote(side: Self.turned(side), host: host, port: port)
    }

    func relatch(side: MediaSide, awayFromCurrent: Bool) async {
        await base.relatch(side: Self.turned(side), awayFromCurrent: awayFromCurrent)
    }

    func updateTimeoutSuspended(_ suspended: Bool) { base.updateTimeoutSuspended(suspended) }

    func updateTimeoutWatches(caller: Bool, callee: Bool) {
        base.updateTimeoutWatches(caller: callee, callee: caller)
    }

    func counters() async -> MediaCounters? {
        guard let counters = await base.counters() else { return nil }
        return MediaCounters(
            packetsFromA: counters.packetsFromB, packetsToA: counters.packetsToB, packetsFromB: counters.packetsFromA,
            packetsToB: counters.packetsToA)
    }

    func close() async { await base.close() }

    func updateRemote(side: MediaSide, host: String, port: Int) {
        base.updateRemote(side: Self.turned(side), host: host, port: port)
    }

    func closeWithoutWaiting() { base.closeWithoutWaiting() }

    func playMusic(toward side: MediaSide, codec: MusicOnHold.Codec) {
        base.playMusic(toward: Self.turned(side), codec: codec)
    }

    func playRingback(toward side: MediaSide, codec: MusicOnHold.Codec) {
        base.playRingback(toward: Self.turned(side), codec: codec)
    }

    func stopMusic(toward side: MediaSide) { base.stopMusic(toward: Self.turned(side)) }

    func playPrompt(_ name: String, language: String, toward side: MediaSide, codec: MusicOnHold.Codec) {
        base.playPrompt(name, language: language, toward: Self.turned(side), codec: codec)
    }

    func watchDigits(
        from side: MediaSide, eventPayloadType: Int?, voice: MusicOnHold.Codec, onDigit: @escaping @Sendable (Character) -> Void
    ) {
        base.watchDigits(from: Self.turned(side), eventPayloadType: eventPayloadType, voice: voice, onDigit: onDigit)
    }

    func stopWatchingDigits(from side: MediaSide) { base.stopWatchingDigits(from: Self.turned(side)) }

    /// The relay's bridges are oriented from its A side. A bridge that converts both ways is
    /// the same bridge reversed; one set before an answer (converting only what the callee
    /// may send) is never asked of a swapped call (``PBXCore/offerForCallees(_:of:media:)``).
    func bridgeG711(_ bridge: G711Bridge?) { base.bridgeG711(bridge?.reversed) }

    func terminateSRTP(_ keys: RelaySRTPKeys?, on side: MediaSide) { base.terminateSRTP(keys, on: Self.turned(side)) }

    func attachMonitor(_ request: MonitorMediaRequest, onDigit: @escaping @Sendable (Character) -> Void) async throws
        -> any MonitorMedia
    {
        var turned = request
        turned.agentSide = Self.turned(request.agentSide)
        return try await base.attachMonitor(turned, onDigit: onDigit)
    }

    func startRecording(caller: MusicOnHold.Codec, callee: MusicOnHold.Codec, into sink: any RelayRecordingSink)
        async throws -> any MediaRecording
    {
        try await base.startRecording(caller: callee, callee: caller, into: ChannelSwappingSink(base: sink))
    }
}
