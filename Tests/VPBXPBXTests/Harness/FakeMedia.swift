import Foundation
import Synchronization
import VPBXNetwork
import VPBXPBX
import VPBXSDP

/// A media session with fixed ports that records what the core asks of it.
final class FakeMediaSession: MediaSession {
    /// Whose silence the RTP timeout watches.
    struct Watch: Equatable, Sendable {
        let caller: Bool
        let callee: Bool
    }

    struct Remote: Equatable, Sendable {
        let side: MediaSide
        let host: String
        let port: Int
    }

    private struct State {
        var remotes: [Remote] = []
        var relatched: [MediaSide] = []
        /// The sides relatched away from their latched phone, in order.
        var relatchedAway: [MediaSide] = []
        /// As the relay's: suspended until the core lifts it at the answer.
        var timeoutSuspended = true
        /// Every ``updateTimeoutSuspended(_:)`` the core asked for, in order.
        var timeoutChanges: [Bool] = []
        /// Every ``updateTimeoutWatches(caller:callee:)`` the core asked for, in order.
        var watchChanges: [Watch] = []
        var closed = false
        var music: [MediaSide: MusicOnHold.Codec] = [:]
        var ringback: [MediaSide: MusicOnHold.Codec] = [:]
        var prompts: [MediaSide: String] = [:]
        var digitWatches: [MediaSide: DigitWatch] = [:]
        /// Every ``bridgeG711(_:)`` the core asked for, in order.
        var bridges: [G711Bridge?] = []
        var srtp: [(keys: RelaySRTPKeys?, side: MediaSide)] = []
        var monitors: [FakeMonitorMedia] = []
    }

    let aPort: Int
    let bPort: Int
    private let onTimeout: @Sendable () -> Void
    private let state = Mutex(State())

    init(aPort: Int, bPort: Int, onTimeout: @escaping @Sendable () -> Void) {
        self.aPort = aPort
        self.bPort = bPort
        self.onTimeout = onTimeout
    }

    var remotes: [Remote] { state.withLock { $0.remotes } }
    var isClosed: Bool { state.withLock { $0.closed } }
    var isTimeoutSuspended: Bool { state.withLock { $0.timeoutSuspended } }
    var timeoutChanges: [Bool] { state.withLock { $0.timeoutChanges } }
    var watchChanges: [Watch] { state.withLock { $0.watchChanges } }
    /// Who hears music on hold now, in which codec.
    var music: [MediaSide: MusicOnHold.Codec] { state.withLock { $0.music } }
    /// Who hears the ringing tone now, in which codec.
    var ringback: [MediaSide: MusicOnHold.Codec] { state.withLock { $0.ringback } }
    /// The prompt playing to each side, as `name/language/encoding`.
    var prompts: [MediaSide: String] { state.withLock { $0.prompts } }
    var digitWatches: [MediaSide: DigitWatch] { state.withLock { $0.digitWatches } }

    /// Who watches a side's keys: ``press(_:from:)`` plays its phone sending one.
    struct DigitWatch: Sendable {
        let eventPayloadType: Int?
        let voice: MusicOnHold.Codec
        let onDigit: @Sendable (Character) -> Void
    }

    /// `side`'s phone presses `key`; false when nobody watches that side.
    @discardableResult
    func press(_ key: Character, from side: MediaSide) -> Bool {
        guard let watch = digitWatches[side] else { return false }
        watch.onDigit(key)
        return true
    }

    /// The G.711 bridges asked for, in order (nil: back to unchanged packets).
    var bridges: [G711Bridge?] { state.withLock { $0.bridges } }
    var relatched: [MediaSide] { state.withLock { $0.relatched } }
    var relatchedAway: [MediaSide] { state.withLock { $0.relatchedAway } }

    /// Pretends no RTP flowed for the configured time.
    func triggerTimeout() { onTimeout() }

    func setRemote(side: MediaSide, host: String, port: Int) async {
        recordRemote(side: side, host: host, port: port)
    }

    func recordRemote(side: MediaSide, host: String, port: Int) {
        state.withLock { $0.remotes.append(Remote(side: side, host: host, port: port)) }
    }

    func relatch(side: MediaSide, awayFromCurrent: Bool) async {
        state.withLock {
            $0.relatched.append(side)
            if awayFromCurrent { $0.relatchedAway.append(side) }
        }
    }

    func updateTimeoutWatches(caller: Bool, callee: Bool) {
        state.withLock { $0.watchChanges.append(Watch(caller: caller, callee: callee)) }
    }

    func updateTimeoutSuspended(_ suspended: Bool) {
        state.withLock {
            $0.timeoutSuspended = suspended
            $0.timeoutChanges.append(suspended)
        }
    }

    func counters() async -> MediaCounters? {
        MediaCounters(packetsFromA: 0, packetsToA: 0, packetsFromB: 0, packetsToB: 0)
    }

    func close() async {
        state.withLock { $0.closed = true }
    }

    func playMusic(toward side: MediaSide, codec: MusicOnHold.Codec) {
        state.withLock { $0.music[side] = codec }
    }

    /// The SRTP terminations asked for, in order (nil keys: packets pass as they are again).
    var srtpTerminations: [(keys: RelaySRTPKeys?, side: MediaSide)] { state.withLock { $0.srtp } }

    func terminateSRTP(_ keys: RelaySRTPKeys?, on side: MediaSide) {
        state.withLock { $0.srtp.append((keys, side)) }
    }

    func bridgeG711(_ bridge: G711Bridge?) {
        state.withLock { $0.bridges.append(bridge) }
    }

    func playRingback(toward side: MediaSide, codec: MusicOnHold.Codec) {
        state.withLock { $0.ringback[side] = codec }
    }

    func stopMusic(toward side: MediaSide) {
        state.withLock {
            $0.music[side] = nil
            $0.ringback[side] = nil
            $0.prompts[side] = nil
        }
    }

    func playPrompt(_ name: String, language: String, toward side: MediaSide, codec: MusicOnHold.Codec) {
        state.withLock { $0.prompts[side] = "\(name)/\(language)/\(codec.encoding)" }
    }

    func watchDigits(
        from side: MediaSide, eventPayloadType: Int?, voice: MusicOnHold.Codec, onDigit: @escaping @Sendable (Character) -> Void
    ) {
        state.withLock {
            $0.digitWatches[side] = DigitWatch(eventPayloadType: eventPayloadType, voice: voice, onDigit: onDigit)
        }
    }

    func stopWatchingDigits(from side: MediaSide) {
        state.withLock { $0.digitWatches[side] = nil }
    }

    /// Supervisors attached so far, oldest first.
    var monitors: [FakeMonitorMedia] { state.withLock { $0.monitors } }

    func attachMonitor(_ request: MonitorMediaRequest, onDigit: @escaping @Sendable (Character) -> Void) async throws
        -> any MonitorMedia
    {
        let monitor = FakeMonitorMedia(request: request, onDigit: onDigit)
        state.withLock { $0.monitors.append(monitor) }
        return monitor
    }
}

/// A supervisor's leg that records what the core asks of it; ``press(_:)`` plays the
/// supervisor's phone sending a key.
final class FakeMonitorMedia: MonitorMedia {
    static let port = 40_004

    let request: MonitorMediaRequest
    let onDigit: @Sendable (Character) -> Void
    private let state = Mutex<(modes: [MonitorMode], remote: String?, closed: Bool, srtp: [RelaySRTPKeys?])>(
        ([], nil, false, []))

    init(request: MonitorMediaRequest, onDigit: @escaping @Sendable (Character) -> Void) {
        self.request = request
        self.onDigit = onDigit
    }

    var port: Int { Self.port }
    var modes: [MonitorMode] { state.withLock { $0.modes } }
    var remote: String? { state.withLock { $0.remote } }
    var isClosed: Bool { state.withLock { $0.closed } }
    /// Every ``terminateSRTP(_:)`` the core asked for, in order.
    var srtpTerminations: [RelaySRTPKeys?] { state.withLock { $0.srtp } }

    func press(_ key: Character) { onDigit(key) }
    func setRemote(host: String, port: Int) { state.withLock { $0.remote = "\(host):\(port)" } }
    func setMode(_ mode: MonitorMode) { state.withLock { $0.modes.append(mode) } }
    func terminateSRTP(_ keys: RelaySRTPKeys?) { state.withLock { $0.srtp.append(keys) } }
    func close() async { state.withLock { $0.closed = true } }
}

/// Hands out `FakeMediaSession`s, all with the same ports, and keeps them for inspection.
final class FakeMediaFactory: MediaSessionFactory {
    static let aPort = 40_000
    static let bPort = 40_002

    private let sessions = Mutex<[FakeMediaSession]>([])
    /// How deep in ``gatheringWork(_:)`` the core is, and sessions asked for outside it.
    private let gathering = Mutex((depth: 0, madeOutside: 0))

    func gatheringWork(_ body: () -> Void) {
        gathering.withLock { $0.depth += 1 }
        defer { gathering.withLock { $0.depth -= 1 } }
        body()
    }

    /// Sessions the core asked for outside ``gatheringWork(_:)`` (a relay would not batch them).
    var madeOutsideGathering: Int { gathering.withLock { $0.madeOutside } }

    /// What ``sessionsAvailable`` reports (nil: the fake does not say, as by default).
    private let left = Mutex<Int?>(nil)
    var sessionsLeft: Int? {
        get { left.withLock { $0 } }
        set { left.withLock { $0 = newValue } }
    }
    var sessionsAvailable: Int? { sessionsLeft }

    /// Whether ``makeSessionAtOnce(callerMedia:onTimeout:)`` has a session ready, as the
    /// relay has with parked socket sets; off, the core must wait for ``makeSession``.
    private let atOnce = Mutex((ready: false, made: 0, waitedFor: 0))
    var readyAtOnce: Bool {
        get { atOnce.withLock { $0.ready } }
        set { atOnce.withLock { $0.ready = newValue } }
    }
    /// Sessions handed out at once, and those the core waited for.
    var madeAtOnce: Int { atOnce.withLock { $0.made } }
    var waitedFor: Int { atOnce.withLock { $0.waitedFor } }

    func makeSessionAtOnce(callerMedia: MediaAddress?, onTimeout: @escaping @Sendable () -> Void)
        -> (any MediaSession)?
    {
        guard atOnce.withLock({ $0.ready }) else { return nil }
        gathering.withLock { if $0.depth == 0 { $0.madeOutside += 1 } }
        let session = FakeMediaSession(aPort: Self.aPort, bPort: Self.bPort, onTimeout: onTimeout)
        if let callerMedia { session.recordRemote(side: .a, host: callerMedia.host, port: callerMedia.port) }
        sessions.withLock { $0.append(session) }
        atOnce.withLock { $0.made += 1 }
        return session
    }

    func makeSession(
        callerMedia: MediaAddress?, onTimeout: @escaping @Sendable () -> Void,
        completion: @escaping @Sendable (Result<any MediaSession, any Error>) -> Void
    ) {
        gathering.withLock { if $0.depth == 0 { $0.madeOutside += 1 } }
        atOnce.withLock { $0.waitedFor += 1 }
        // Later, from another task, as a relay would answer.
        Task {
            let session = FakeMediaSession(aPort: Self.aPort, bPort: Self.bPort, onTimeout: onTimeout)
            if let callerMedia { await session.setRemote(side: .a, host: callerMedia.host, port: callerMedia.port) }
            sessions.withLock { $0.append(session) }
            completion(.success(session))
        }
    }

    var all: [FakeMediaSession] { sessions.withLock { $0 } }

    /// The only session made so far, once it exists.
    func onlySession() async throws -> FakeMediaSession {
        try await eventually("a media session") {
            let all = self.all
            return all.count == 1 ? all[0] : nil
        }
    }
}
