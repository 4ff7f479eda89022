import VPBXNetwork

/// What a supervisor attached to a call does (docs/call-center.md, "Listen, whisper, barge").
/// The supervisor always hears both parties; the mode decides who hears the supervisor.
public enum MonitorMode: String, Sendable, CaseIterable, Codable {
    /// Silent monitoring: nobody hears the supervisor.
    case listen
    /// Coaching: the agent hears the supervisor, the customer does not.
    case whisper
    /// A three-way call: both parties hear the supervisor.
    case barge

    /// The key a supervisor presses during monitoring to switch to this mode: 4, 5, 6 as in
    /// Asterisk's ChanSpy (`d` option), which supervisors moving from Asterisk know.
    public var key: Character {
        switch self {
        case .listen: "4"
        case .whisper: "5"
        case .barge: "6"
        }
    }

    public init?(key: Character) {
        guard let mode = Self.allCases.first(where: { $0.key == key }) else { return nil }
        self = mode
    }
}

/// The media a supervisor's leg gets from the relay (one port pair on the monitored call's
/// media session).
public protocol MonitorMedia: AnyObject, Sendable {
    /// The RTP port to announce in the SDP answered to the supervisor's phone.
    var port: Int { get }
    /// Where the supervisor's phone wants media, until its first packet latches.
    func setRemote(host: String, port: Int)
    func setMode(_ mode: MonitorMode)
    /// Decrypts what the supervisor's phone sends and encrypts what it gets (SRTP with SDES
    /// keys) from now on; nil: plain RTP.
    func terminateSRTP(_ keys: RelaySRTPKeys?)
    /// Unhooks from the call and frees the port; safe twice.
    func close() async
}

/// What ``MediaSession/attachMonitor(_:onDigit:)`` needs to know.
public struct MonitorMediaRequest: Sendable, Equatable {
    /// The call's codec (both parties use it).
    public var callCodec: MusicOnHold.Codec
    /// The supervisor phone's codec and its telephone-event payload type.
    public var supervisorCodec: MusicOnHold.Codec
    public var supervisorEventPayloadType: Int?
    /// The media side whose phone is the monitored extension (the agent).
    public var agentSide: MediaSide
    public var mode: MonitorMode
}

/// The media session cannot attach a supervisor (a test double, or a codec the mixer lacks).
public struct MonitorUnsupported: Error, CustomStringConvertible {
    public init() {}
    public var description: String { "this media session cannot be monitored" }
}
