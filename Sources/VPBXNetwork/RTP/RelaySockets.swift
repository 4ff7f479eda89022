import NIOCore

/// A bound RTP socket and its RTCP socket on the next port: one side of a relay session, or a
/// media endpoint's pair (``RTPRelay/bindEndpointPair(host:on:)``).
public struct RelaySocketPair: Sendable {
    /// The RTP port (even); RTCP is on `port + 1`.
    public let port: Int
    /// The RTP socket, with no handlers yet when handed out.
    public let rtp: any Channel
    /// The RTCP socket, with no handlers yet when handed out.
    public let rtcp: any Channel
    /// Direct senders on the two sockets, for their event loop only (``LoopDirectSender``).
    let rtpSender: LoopDirectSender?
    let rtcpSender: LoopDirectSender?
}

/// The four sockets of a session, all on one event loop, with their forwarding handlers.
struct RelaySockets: Sendable {
    let a: RelaySocketPair
    let b: RelaySocketPair
    let forwarders: NIOLoopBound<RelayForwarders>
    /// The relay's poller, which has the four sockets registered as `group`; nil without one.
    let poller: RelayPoller?
    let group: RelayPoller.Group?

    var all: [any Channel] { [self.a.rtp, self.a.rtcp, self.b.rtp, self.b.rtcp] }

    /// Turns NIO's reading of the four sockets on or off; on their event loop. Off while the
    /// poller reads them.
    func setReading(_ reading: Bool) {
        for channel in self.all {
            try? channel.syncOptions?.setOption(.autoRead, value: reading)
        }
    }

    /// Has the poller let go of the sockets, so they may be closed; `then` runs on any thread.
    func unregister(then: @escaping @Sendable () -> Void) {
        guard let poller = self.poller, let group = self.group else { return then() }
        poller.send(.unregister(group, then))
    }
}
