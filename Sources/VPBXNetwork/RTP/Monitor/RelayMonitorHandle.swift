import NIOCore

/// A supervisor's leg attached to a call (``RTPRelay/attachMonitor(to:bindHost:format:mode:onDigit:)``):
/// its own RTP/RTCP port pair on the call's event loop. Announce ``port`` in the SDP answered
/// to the supervisor's phone.
///
/// Thread-safe; the methods hop to the call's loop and apply in call order.
public final class RelayMonitorHandle: Sendable {
    /// The supervisor's RTP port (RTCP is `port + 1`).
    public let port: Int
    private let pair: RelaySocketPair
    private let session: RelaySession
    private let relay: RTPRelay
    private let monitor: NIOLoopBound<RelayMonitor>

    init(pair: RelaySocketPair, session: RelaySession, relay: RTPRelay, monitor: NIOLoopBound<RelayMonitor>) {
        self.port = pair.port
        self.pair = pair
        self.session = session
        self.relay = relay
        self.monitor = monitor
    }

    /// Where the supervisor's phone wants media (its SDP), until its first packet latches.
    /// A non-numeric address is ignored: the first packet will latch.
    public func setExpectedRemote(host: String, port: Int) {
        guard let address = try? SocketAddress.numeric(host: host, port: port) else { return }
        let monitor = self.monitor
        self.session.eventLoop.execute { monitor.value.supervisor.setExpected(address) }
    }

    /// Decrypts what the supervisor's phone sends and encrypts the mix it gets (SRTP with
    /// SDES keys) from now on; nil: plain RTP again. Applies in call order with the other
    /// non-waiting methods.
    public func terminateSRTP(_ keys: RelaySRTPKeys?) {
        let monitor = self.monitor
        self.session.eventLoop.execute {
            let supervisor = monitor.value.supervisor
            if let keys, let current = supervisor.srtp {
                current.update(to: keys)
            } else {
                supervisor.srtp = keys.map(RelaySRTP.init)
            }
        }
    }

    /// Switches between listen, whisper and barge.
    public func setMode(_ mode: RelayMonitorMode) {
        let monitor = self.monitor
        let core = self.session.core
        self.session.eventLoop.execute {
            core.withCore { core in
                // After the call ended the monitor is unhooked; a late switch must not re-hook it.
                guard core.monitor === monitor.value else { return }
                monitor.value.setMode(mode)
            }
        }
    }

    /// Unhooks from the call (the parties hear each other plainly again), closes the two
    /// sockets and returns the port. Safe to call twice and after the call ended.
    public func close() async {
        let monitor = self.monitor
        let core = self.session.core
        let loop = self.session.eventLoop
        try? await loop.flatSubmit {
            let unhooked = loop.makePromise(of: Void.self)
            core.withCore { core in
                if core.monitor === monitor.value {
                    core.monitor = nil
                }
                monitor.value.end()
                // A plain bridge again: the poller may forward it.
                core.forwardOnPollerIfIdle()
                unhooked.succeed()
            }
            return unhooked.futureResult
        }.get()
        await self.relay.releaseEndpointPair(self.pair)
    }
}
