/// Keeps one stable `o=` line per call leg across offers and answers.
///
/// RFC 3264 §8 requires that every SDP a side sends in a session carries the same origin
/// username and session ID, with the version incremented by one exactly when the content
/// changed. A B2BUA builds each leg's body from the other leg's, whose origin must not
/// leak through, so each leg owns a tracker and stamps every body it sends.
public struct OriginTracker: Sendable, Equatable {
    /// The origin most recently stamped (or the initial one before any stamping).
    public private(set) var origin: Origin
    private var lastContent: SessionDescription?

    /// - Parameters:
    ///   - sessionID: a numeric ID unique per leg, e.g. random or derived from the call.
    ///   - initialVersion: the version of the first body sent.
    public init(username: String = "vpbx", sessionID: UInt64, initialVersion: UInt64 = 1, address: String) {
        let connection = Connection(address: address)
        origin = Origin(
            username: username, sessionID: String(sessionID), sessionVersion: initialVersion,
            netType: connection.netType, addrType: connection.addrType, address: address)
    }

    /// Returns `description` with this leg's origin. The version is incremented when the
    /// content (everything but the origin) differs from the last stamped body, and kept when
    /// the same body is sent again, e.g. in a session refresh re-INVITE.
    ///
    /// Consuming, and one copy (the one kept): the body with a blank origin is the content
    /// compared and kept, then the same value gets this leg's origin. Copying a description
    /// costs a reference count per string and array in it; it used to be copied twice.
    public mutating func stamp(_ description: consuming SessionDescription) -> SessionDescription {
        var stamped = description
        stamped.origin = Self.blankOrigin
        if let lastContent, lastContent != stamped {
            // Wrapping keeps this total; 2^64 re-offers will not happen in one call.
            origin.sessionVersion &+= 1
        }
        lastContent = stamped
        stamped.origin = origin
        return stamped
    }

    private static let blankOrigin = Origin(sessionID: "0", sessionVersion: 0, address: "")
}
