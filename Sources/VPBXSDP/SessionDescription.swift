/// An SDP body (RFC 8866): session-level lines followed by media sections.
///
/// Parse with `init(parsing:)`, print with `serialized()`. Lines the model does not
/// interpret are kept in `otherFields` so a relayed body survives a round trip.
public struct SessionDescription: Sendable, Equatable {
    /// `v=`; always 0 today.
    public var version: Int
    public var origin: Origin
    /// `s=`; SIP peers usually write `-` or a product name.
    public var sessionName: String
    /// Session-level `c=`, used by every media section without its own.
    public var connection: Connection?
    /// `t=` lines with their `r=` repeats; SIP uses one `t=0 0`.
    public var timing: [Timing]
    /// Session-level `i=`, `u=`, `e=`, `p=`, `b=`, `z=`, `k=` and unknown lines, verbatim.
    public var otherFields: [SDPField]
    /// Session-level `a=` lines.
    public var attributes: [Attribute]
    public var media: [MediaDescription]

    public init(
        version: Int = 0,
        origin: Origin,
        sessionName: String = "-",
        connection: Connection? = nil,
        timing: [Timing] = [Timing()],
        otherFields: [SDPField] = [],
        attributes: [Attribute] = [],
        media: [MediaDescription] = []
    ) {
        self.version = version
        self.origin = origin
        self.sessionName = sessionName
        self.connection = connection
        self.timing = timing
        self.otherFields = otherFields
        self.attributes = attributes
        self.media = media
    }

    /// The session-level direction attribute, if one is written.
    public var sessionDirection: MediaDirection? {
        attributes.lazy.compactMap { $0.value == nil ? MediaDirection(attributeName: $0.name) : nil }.first
    }

    /// The direction of media section `index`, combining media- and session-level
    /// attributes and treating a `c=0.0.0.0` (either level) as "do not send to me".
    public func direction(ofMediaAt index: Int) -> MediaDirection {
        let section = media[index]
        return section.effectiveDirection(inherited: sessionDirection, connection: section.connection ?? connection)
    }

    /// Index of the first enabled audio section, if any.
    public var firstAudioIndex: Int? {
        media.firstIndex { $0.isAudio && !$0.isDisabled }
    }

    /// True when the writer puts the other side on hold: the first audio stream is
    /// `sendonly`/`inactive` or uses `c=0.0.0.0`. A body without enabled audio is not a hold.
    public var isHold: Bool {
        guard let index = firstAudioIndex else { return false }
        return direction(ofMediaAt: index).isHold
    }

    /// Whether the writer will send audio: its first enabled audio stream is `sendrecv` or
    /// `sendonly`. False when it has no enabled audio stream.
    public var sendsAudio: Bool {
        guard let index = firstAudioIndex else { return false }
        return direction(ofMediaAt: index).sends
    }

    /// Where the peer wants to receive RTP for the first enabled audio stream: the
    /// media-level `c=` address (else the session-level one) and the m-line port.
    ///
    /// Nil when there is no enabled audio stream, no connection line, or the address is the
    /// hold address `0.0.0.0`/`::` (sending there would reach this host's own sockets).
    public var audioEndpoint: (address: String, port: Int)? {
        guard let index = firstAudioIndex else { return nil }
        let section = media[index]
        guard let connection = section.connection ?? connection, !connection.isUnspecifiedAddress else { return nil }
        return (connection.address, section.port)
    }
}
