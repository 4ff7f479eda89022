import VPBXText

/// The stream direction attributes of RFC 3264 §5.1, seen from the side that wrote the SDP.
public enum MediaDirection: String, Sendable, Equatable, CaseIterable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive

    /// Builds the direction from the two capabilities it combines.
    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    /// The direction a value-less attribute called `name` states (names compare without
    /// regard to case), or nil for any other attribute.
    public init?(attributeName name: String) {
        // All four names are eight letters: most attributes are ruled out by their length.
        guard name.utf8.count == 8, let direction = Self.allCases.first(where: { $0.rawValue.caseInsensitiveEquals(name) })
        else { return nil }
        self = direction
    }

    /// Whether the writer of the SDP will send media.
    public var sends: Bool { self == .sendrecv || self == .sendonly }
    /// Whether the writer of the SDP wants to receive media.
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The direction an answerer that accepts everything replies with (RFC 3264 §6.1):
    /// an offered `sendonly` is answered `recvonly` and vice versa.
    public var reversed: MediaDirection { MediaDirection(sends: receives, receives: sends) }

    /// True when the writer puts the other side on hold (`sendonly` or `inactive`).
    public var isHold: Bool { !receives }
}
