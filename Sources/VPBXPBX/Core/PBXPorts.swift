import VPBXNetwork
import VPBXSDP
import VPBXSIP
import VPBXText

/// A SIP peer's transport address as the core sees it. For stream transports `connectionID`
/// names the connection a message arrived on, so a response goes back on it.
public struct SIPPeerAddress: Hashable, Sendable, CustomStringConvertible {
    public enum Transport: String, Sendable {
        case udp, tcp, tls

        /// Connection-oriented (TCP, TLS): requests to a phone go on its connection.
        public var isStream: Bool { self != .udp }

        /// What a URI asks to be reached over (RFC 3263 §4.1 without DNS records): TLS for a
        /// `sips:` URI or `transport=tls`, TCP for `transport=tcp`, else UDP.
        public init(of uri: SIPURI) {
            let secure = uri.scheme.caseInsensitiveEquals("sips")
            switch uri.transportParameter {  // lower-cased already
            case "tls": self = .tls
            case "tcp": self = secure ? .tls : .tcp
            default: self = secure ? .tls : .udp
            }
        }

        /// The port a URI without one is reached at: 5061 for TLS, else 5060 (RFC 3261 §19.1.2).
        public var defaultPort: Int { self == .tls ? 5061 : 5060 }
    }

    public var transport: Transport
    public var host: String
    public var port: Int
    public var connectionID: UInt64?
    /// A trunk's host as configured, for TCP and TLS: over TLS the name the server's
    /// certificate must carry (a host name or an IP address), checked against the trusted
    /// CAs; over both, a connection opened for it that breaks fails what was sent on it.
    /// Nil: a phone (its certificate is self-signed on nearly every desk phone).
    public var serverName: String?

    public init(transport: Transport, host: String, port: Int, connectionID: UInt64? = nil, serverName: String? = nil) {
        self.transport = transport
        self.host = host
        self.port = port
        self.connectionID = connectionID
        self.serverName = transport.isStream ? serverName : nil
    }

    public var description: String { "\(transport.rawValue):\(host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]" : host):\(port)" }
}

/// A message received from the network, already parsed and validated by the transport.
public struct IncomingSIP: Sendable {
    public var message: SIPMessage
    public var source: SIPPeerAddress

    public init(message: SIPMessage, source: SIPPeerAddress) {
        self.message = message
        self.source = source
    }
}

/// The core's only way to put SIP on the wire. The engine adapts the NIO transport to it; tests
/// use a recorder.
public protocol SIPOutbound: Sendable {
    func send(_ message: SIPMessage, to destination: SIPPeerAddress)
    /// Sends a message kept as its bytes (``SerializedSIPMessage``) again.
    func send(_ message: SerializedSIPMessage, to destination: SIPPeerAddress)
    /// The core is working through a backlog (`busy`), or has caught up. A transport may then
    /// take its sends off the core's thread, a hand-off not worth its wake-up when the core
    /// keeps up anyway.
    func coreLoadChanged(busy: Bool)
    /// Runs `body`, a batch of the core's work; a transport may hold the messages sent in it
    /// and send them together when it returns (fewer system calls per message).
    func gatheringSends(_ body: () -> Void)
    /// Keeps the stream connection (TCP) `peer` sent its message on open, however idle, for
    /// `duration`: a phone registered over it, behind NAT, can be called only through it.
    func holdConnection(of peer: SIPPeerAddress, for duration: Duration)
    /// Ends the hold on `peer`'s stream connection: no binding is reached through it any
    /// more (the phone registered again from another connection, unregistered, or its
    /// binding expired). It then closes once idle, like any other.
    func releaseConnection(of peer: SIPPeerAddress)
    /// Whether `peer`'s stream connection (its ``SIPPeerAddress/connectionID``) is still open.
    func isConnectionOpen(_ peer: SIPPeerAddress) -> Bool
}

extension SIPOutbound {
    /// Parses the bytes back into a message: for outbounds that take only messages.
    public func send(_ message: SerializedSIPMessage, to destination: SIPPeerAddress) {
        guard let parsed = try? message.parsed() else { return }
        send(parsed, to: destination)
    }

    public func coreLoadChanged(busy: Bool) {}
    public func gatheringSends(_ body: () -> Void) { body() }
    public func holdConnection(of peer: SIPPeerAddress, for duration: Duration) {}
    public func releaseConnection(of peer: SIPPeerAddress) {}
    /// Outbounds that keep no connections of their own (tests) take any a peer names as open.
    public func isConnectionOpen(_ peer: SIPPeerAddress) -> Bool { peer.connectionID != nil }
}

public enum MediaSide: Sendable { case a, b }

/// Relay counters of one call, per side, for `call.list`.
public struct MediaCounters: Sendable, Equatable {
    public var packetsFromA: UInt64
    public var packetsToA: UInt64
    public var packetsFromB: UInt64
    public var packetsToB: UInt64

    public init(packetsFromA: UInt64, packetsToA: UInt64, packetsFromB: UInt64, packetsToB: UInt64) {
        self.packetsFromA = packetsFromA
        self.packetsToA = packetsToA
        self.packetsFromB = packetsFromB
        self.packetsToB = packetsToB
    }
}

/// An anchored media session: two local ports, one per leg.
public protocol MediaSession: AnyObject, Sendable {
    var aPort: Int { get }
    var bPort: Int { get }
    func setRemote(side: MediaSide, host: String, port: Int) async
    /// Lets `side` latch again to the next packet's source. `awayFromCurrent`: another phone
    /// takes the side over, and the one latched now (which may send on for a moment) may not.
    func relatch(side: MediaSide, awayFromCurrent: Bool) async
    /// Suspends (or resumes) the RTP inactivity timeout without waiting; calls apply in order
    /// with ``updateRemote(side:host:port:)``. Resuming starts a fresh period.
    func updateTimeoutSuspended(_ suspended: Bool)
    /// Whose silence ends the call (the RTP timeout times each watched side on its own): a
    /// side not expected to send is not watched, such as one of the engine's own applications
    /// as the B side (its audio says nothing about the caller) or a phone whose SDP says
    /// `recvonly`. A side watched anew gets a whole period from now. Applies in order with
    /// the other non-waiting calls.
    func updateTimeoutWatches(caller: Bool, callee: Bool)
    func counters() async -> MediaCounters?
    func close() async
    /// ``setRemote(side:host:port:)`` without waiting; calls apply in order.
    func updateRemote(side: MediaSide, host: String, port: Int)
    /// ``close()`` without waiting.
    func closeWithoutWaiting()
    /// Plays the engine's music on hold to `side`'s phone instead of the other side's media,
    /// encoded as `codec` under the leg's payload type, until ``stopMusic(toward:)``. Returns
    /// at once. Only the encodings in ``MusicOnHold/encodings`` are asked for.
    func playMusic(toward side: MediaSide, codec: MusicOnHold.Codec)
    /// Plays the ringing tone to `side`'s phone instead of the other side's media, as
    /// ``playMusic(toward:codec:)`` plays music: for a phone the engine called and that now
    /// waits while the other party rings (click-to-call). ``stopMusic(toward:)`` ends it.
    func playRingback(toward side: MediaSide, codec: MusicOnHold.Codec)
    /// Plays the prompt `name` in `language` to `side`'s phone, again and again with a pause
    /// after each time, instead of the other side's media, as ``playMusic(toward:codec:)``
    /// plays music: for a mobile asked to press 1 before it gets the call. Returns at once;
    /// ``stopMusic(toward:)`` ends it. Nothing is played when the prompt cannot be had.
    func playPrompt(_ name: String, language: String, toward side: MediaSide, codec: MusicOnHold.Codec)
    /// Reports the keys `side`'s phone presses to `onDigit`, on any thread, until
    /// ``stopWatchingDigits(from:)``: RFC 4733 events under `eventPayloadType` (nil: its SDP
    /// has none) and, where the media side can, tones in its `voice` stream (in-band DTMF).
    /// Returns at once.
    func watchDigits(
        from side: MediaSide, eventPayloadType: Int?, voice: MusicOnHold.Codec, onDigit: @escaping @Sendable (Character) -> Void)
    func stopWatchingDigits(from side: MediaSide)
    /// Goes back to relaying the other side's media to `side` (after music or ringback).
    func stopMusic(toward side: MediaSide)
    /// Converts the voice between the two G.711 laws of `bridge` from now on (the caller's
    /// packets into the callee's codec and payload types, and back); nil relays packets
    /// unchanged again. Returns at once; applies in call order.
    func bridgeG711(_ bridge: G711Bridge?)
    /// Decrypts what `side`'s phone sends and encrypts what it gets (SRTP with SDES keys)
    /// from now on; nil passes its packets as they are again. Returns at once; applies in
    /// call order.
    func terminateSRTP(_ keys: RelaySRTPKeys?, on side: MediaSide)
    /// Attaches a supervisor's leg (listen, whisper, barge). `onDigit` gets the keys the
    /// supervisor's phone sends (RFC 4733), on any thread.
    func attachMonitor(_ request: MonitorMediaRequest, onDigit: @escaping @Sendable (Character) -> Void) async throws
        -> any MonitorMedia
    /// Records what each phone sends, the caller on the left channel and the callee on the
    /// right, into `sink` until the session closes or the recording is stopped.
    func startRecording(caller: MusicOnHold.Codec, callee: MusicOnHold.Codec, into sink: any RelayRecordingSink)
        async throws -> any MediaRecording
}

/// What the core needs to know about music on hold: which codecs the engine can play it in.
public enum MusicOnHold {
    /// A leg's audio codec as negotiated: the encoding name and the payload type in use.
    public struct Codec: Sendable, Hashable {
        public var encoding: String
        public var payloadType: Int

        public init(encoding: String, payloadType: Int) {
            self.encoding = encoding
            self.payloadType = payloadType
        }
    }

    /// Encodings the music exists in (G.711, one byte a sample, generated at start-up). A
    /// call in any other codec is put on hold the plain way: the re-INVITE is relayed and
    /// the held party hears silence.
    public static let encodings: Set<String> = ["PCMA", "PCMU"]
}

extension MediaSession {
    public func attachMonitor(_ request: MonitorMediaRequest, onDigit: @escaping @Sendable (Character) -> Void) async throws
        -> any MonitorMedia
    {
        throw MonitorUnsupported()
    }

    public func startRecording(caller: MusicOnHold.Codec, callee: MusicOnHold.Codec, into sink: any RelayRecordingSink)
        async throws -> any MediaRecording
    {
        throw RecordingUnsupported()
    }

    /// A task per call; sessions that can hand the change to their own thread do better.
    public func updateRemote(side: MediaSide, host: String, port: Int) {
        Task { await setRemote(side: side, host: host, port: port) }
    }

    public func closeWithoutWaiting() {
        Task { await close() }
    }
}

public protocol MediaSessionFactory: Sendable {
    /// Makes a session whose A side already expects the caller's media at `callerMedia` (from
    /// the caller's offer), so setting up a call costs the relay one hand-off, not two. The
    /// core does not wait: `completion` runs wherever the session is ready (possibly before
    /// this returns). `onTimeout` fires when no RTP flowed for the configured time, counted
    /// from when the core lifts the timeout's suspension: a session starts with it suspended,
    /// since a call rings without media (for up to its no-answer timeout, or a forwarding
    /// chain's) and only the answer starts it (``MediaSession/updateTimeoutSuspended(_:)``).
    func makeSession(
        callerMedia: MediaAddress?, onTimeout: @escaping @Sendable () -> Void,
        completion: @escaping @Sendable (Result<any MediaSession, any Error>) -> Void)
    /// A session usable at once (its ports known, its methods callable) when the media side
    /// has one ready without waiting, such as the relay's parked socket sets under load; nil
    /// otherwise, and the core asks ``makeSession(callerMedia:onTimeout:completion:)``.
    func makeSessionAtOnce(callerMedia: MediaAddress?, onTimeout: @escaping @Sendable () -> Void)
        -> (any MediaSession)?
    /// How many more sessions the media side has ports for right now, or nil when it cannot
    /// tell; at zero the core refuses new calls at once (`503 No Media Ports`) instead of
    /// admitting and routing them first.
    var sessionsAvailable: Int? { get }
    /// Runs `body`, a batch of the core's work; the relay may hold what it asked of sessions
    /// (new ones, addresses, closes) and pass it on together when it returns.
    func gatheringWork(_ body: () -> Void)
}

extension MediaSessionFactory {
    public func gatheringWork(_ body: () -> Void) { body() }

    public func makeSessionAtOnce(callerMedia: MediaAddress?, onTimeout: @escaping @Sendable () -> Void)
        -> (any MediaSession)?
    { nil }

    public var sessionsAvailable: Int? { nil }
}

/// Where a phone said it receives RTP (its SDP's connection address and audio port).
public struct MediaAddress: Sendable, Equatable {
    public let host: String
    public let port: Int

    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }
}

extension MediaSession {
    /// Lets `side` latch again to the next packet's source (after a re-INVITE: the phone may
    /// have moved).
    public func relatch(side: MediaSide) async { await relatch(side: side, awayFromCurrent: false) }
}
