import NIOCore

/// The bound RTP and RTCP sockets of one side.
struct RelaySocketPair: Sendable {
    /// The RTP port; RTCP is on `port + 1`.
    let port: Int
    let rtp: any Channel
    let rtcp: any Channel
}

/// The four sockets of a session, all on one event loop.
struct RelaySockets: Sendable {
    let a: RelaySocketPair
    let b: RelaySocketPair

    var all: [any Channel] { [self.a.rtp, self.a.rtcp, self.b.rtp, self.b.rtcp] }
}
