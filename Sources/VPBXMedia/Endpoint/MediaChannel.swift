import VPBXRTP

/// How a `MediaChannel.play` call ended.
public enum PlaybackOutcome: Sendable, Equatable {
    /// Every item was played.
    case finished
    /// A key cut an item that allows barge-in short. The key is consumed: it is not also
    /// delivered on `MediaChannel.digits`.
    case interrupted(DTMFDigit)
    /// Another `play` or `stopPlayback()` replaced this one, or the awaiting task was cancelled.
    case stopped
    /// The channel was closed (hang-up) before playback ended.
    case closed
}

/// One call leg whose audio the engine terminates itself: it plays prompts and tones to the
/// phone, records what the phone sends, and hears its DTMF keys. This is what IVR menus,
/// voicemail and music on hold drive; the PBX layer depends on this protocol only (the engine
/// supplies the RTP implementation, tests a fake).
///
/// Keys from RFC 4733, from SIP INFO (fed in with `receiveSignalledDigit`) and, when enabled,
/// from in-band tones all arrive the same way: a key first goes to a running playback (barge-in)
/// or recording (stop key); if neither consumes it, it is yielded on `digits`, once.
public protocol MediaChannel: AnyObject, Sendable {
    /// The local RTP port to announce in SDP (RTCP is on the next port).
    var localPort: Int { get }
    /// Keys the caller pressed that no playback or recording consumed. One consumer; the stream
    /// ends when the channel closes.
    var digits: AsyncStream<DTMFDigit> { get }
    /// Where to send until the phone's first packet arrives (the SDP address); after that the
    /// channel answers wherever the phone sends from (symmetric RTP).
    func setRemote(host: String, port: Int) async throws
    /// After a re-INVITE the phone may send from somewhere else: forget the latched address,
    /// send to the SDP address meanwhile, and latch to the next valid packet's source.
    func relatch() async
    /// Plays `items` in order (each with its own barge-in flag); returns when they are done, a
    /// key interrupts, playback is replaced or stopped, or the channel closes.
    func play(_ items: [PlayItem]) async -> PlaybackOutcome
    /// Ends the current playback (`.stopped`); nothing happens when none runs.
    func stopPlayback() async
    /// Records until the configuration's limits, a stop key, `stopRecording()` or `close()`.
    func record(_ configuration: RecorderConfiguration) async -> Recording
    /// Ends the current recording (reason `.stopped`); nothing happens when none runs.
    func stopRecording() async
    /// A key the phone signalled out of band (SIP INFO `application/dtmf-relay`).
    func receiveSignalledDigit(_ digit: DTMFDigit) async
    /// Sends keys to the phone as RFC 4733 events, one after the other (100 ms each).
    func sendDigits(_ digits: [DTMFDigit]) async
    /// Connects the channel to a conference room (nil: disconnects it): from now on every
    /// frame the phone sends goes to `port`, and the phone hears the room's mix whenever
    /// nothing is being played to it (a playback, such as a join tone, goes first).
    func connect(to port: ConferencePort?) async
    /// Stops everything, ends waiting calls (`.closed`, recording `.stopped`), ends `digits`,
    /// closes the sockets and frees the ports. Idempotent.
    func close() async
}

extension MediaChannel {
    /// Plays `items` with one barge-in setting for all of them.
    public func play(_ items: [PlayItem], bargeIn: Bool) async -> PlaybackOutcome {
        await play(items.map { item in PlayItem(item.source, bargeIn: bargeIn) })
    }
}

/// What a media channel needs from the SDP negotiation.
public struct MediaChannelParameters: Sendable, Equatable {
    /// The negotiated G.711 law (its static payload type is used).
    public var law: G711.Law
    /// The negotiated telephone-event payload type; nil when the peer did not offer RFC 4733:
    /// `sendDigits` then sends nothing, and keys arrive only by SIP INFO or in band.
    public var telephoneEventPayloadType: UInt8?
    /// The peer's SDP address, if known yet.
    public var remoteHost: String?
    /// The peer's SDP port, if known yet.
    public var remotePort: Int?
    /// Whether received audio is also searched for DTMF tones (for peers that send keys in band
    /// only). Off by default: a phone that sends both would report every key twice.
    public var detectsInBandDTMF: Bool

    public init(
        law: G711.Law = .alaw, telephoneEventPayloadType: UInt8? = 101, remoteHost: String? = nil,
        remotePort: Int? = nil, detectsInBandDTMF: Bool = false
    ) {
        self.law = law
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.remoteHost = remoteHost
        self.remotePort = remotePort
        self.detectsInBandDTMF = detectsInBandDTMF
    }
}

/// Makes media channels; the engine implements it over its RTP port pool.
public protocol MediaChannelFactory: Sendable {
    /// Binds a new channel; throws when no RTP port is free.
    func makeChannel(_ parameters: MediaChannelParameters) async throws -> any MediaChannel
}
