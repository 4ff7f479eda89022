import VPBXMediaIO
import VPBXNetwork
import VPBXPBX

/// Media sessions for the core, backed by the NIO RTP relay.
struct RelayMediaFactory: MediaSessionFactory {
    let relay: RTPRelay
    let bindHost: String
    let music: HoldMusicLibrary

    func makeSession(onTimeout: @escaping @Sendable () -> Void) async throws -> any MediaSession {
        RelayMediaSession(session: try await relay.makeSession(bindHost: bindHost, onTimeout: onTimeout), music: music)
    }
}

final class RelayMediaSession: MediaSession {
    let session: RelaySession
    let music: HoldMusicLibrary

    init(session: RelaySession, music: HoldMusicLibrary) {
        self.session = session
        self.music = music
    }

    func playMusic(toward side: MediaSide, codec: MusicOnHold.Codec) {
        guard (0..<128).contains(codec.payloadType), let payload = music.payload(encoding: codec.encoding),
            let loop = try? RelayAudioLoop(payloadType: UInt8(codec.payloadType), payload: payload)
        else { return }
        session.play(loop, toward: side.relaySide)
    }

    func stopMusic(toward side: MediaSide) { session.stopPlaying(toward: side.relaySide) }

    var aPort: Int { session.aPort }
    var bPort: Int { session.bPort }

    func setRemote(side: MediaSide, host: String, port: Int) async {
        try? await session.setExpectedRemote(side: side.relaySide, host: host, port: port)
    }

    func updateRemote(side: MediaSide, host: String, port: Int) {
        session.updateExpectedRemote(side: side.relaySide, host: host, port: port)
    }

    func closeWithoutWaiting() { session.closeWithoutWaiting() }

    func relatch(side: MediaSide) async { try? await session.relatch(side: side.relaySide) }

    func setTimeoutSuspended(_ suspended: Bool) async { try? await session.setTimeoutSuspended(suspended) }

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
