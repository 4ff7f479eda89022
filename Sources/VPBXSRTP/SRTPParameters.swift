/// What one direction of an SRTP stream needs: the suite and the master key and salt. The
/// engine's own direction gets fresh material per call leg; the phone's comes from its
/// `a=crypto` line.
public struct SRTPParameters: Sendable, Equatable {
    public var suite: SRTPSuite
    public var master: SRTPKeyMaterial

    public init(suite: SRTPSuite, master: SRTPKeyMaterial) {
        self.suite = suite
        self.master = master
    }
}

/// Why a received packet was not accepted.
public enum SRTPRejection: Error, Sendable, Equatable {
    /// Shorter than its header and tag, or not RTP version 2.
    case malformed
    /// The tag does not match: a wrong key, or the packet was changed on the way.
    case authenticationFailed
    /// Already received, or older than the replay list reaches.
    case replayed
}
