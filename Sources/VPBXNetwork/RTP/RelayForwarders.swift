import NIOCore

/// The forwarding handlers of a session's four sockets, installed once when the set is bound
/// and kept with it while it is parked for reuse (see ``RelayForwardingHandler``).
///
/// Confined to the sockets' event loop.
final class RelayForwarders {
    let rtpA = RelayForwardingHandler()
    let rtcpA = RelayForwardingHandler()
    let rtpB = RelayForwardingHandler()
    let rtcpB = RelayForwardingHandler()

    /// Adds the four handlers to the pipelines of `a` and `b`; on their event loop.
    static func install(a: RelaySocketPair, b: RelaySocketPair) throws -> RelayForwarders {
        let forwarders = RelayForwarders()
        for (channel, handler) in [
            (a.rtp, forwarders.rtpA), (a.rtcp, forwarders.rtcpA), (b.rtp, forwarders.rtpB), (b.rtcp, forwarders.rtcpB),
        ] {
            try channel.pipeline.syncOperations.addHandler(handler)
        }
        return forwarders
    }

    var all: [RelayForwardingHandler] { [self.rtpA, self.rtcpA, self.rtpB, self.rtcpB] }
}
